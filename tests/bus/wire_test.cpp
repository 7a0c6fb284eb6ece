// The serverlet as a raw ZeroMQ peer sees it: retried requests, garbage frames and corrupt payloads.
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "bus_fixture.hpp"

using namespace skymesh;

namespace {

// Runs the echo serverlet on a thread of its own so the test thread can speak raw ZeroMQ to it.
struct ServerThread {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node node{reactor, test::quick_options("echo")};
  echo::EchoService echo{node};
  std::thread thread;
  std::string endpoint;

  ServerThread() {
    REQUIRE(echo.attach().ok());
    REQUIRE(node.listen("tcp://127.0.0.1:0").ok());
    endpoint = node.endpoints().front();
    thread = std::thread([this]() { reactor.run(); });
  }
  ~ServerThread() {
    reactor.stop();
    thread.join();
  }
};

std::string bytes_of(capnp::MessageBuilder& builder) {
  auto flat = capnp::messageToFlatArray(builder);
  return std::string(reinterpret_cast<const char*>(flat.begin()), flat.size() * sizeof(capnp::word));
}

const std::string k_sender(16, '\x07');

// A frame header as Cap'n Proto's own builder writes it (the bus writes its headers by hand): what any peer may
// send.
std::string header(uint64_t stream_id, uint64_t first_seq, const std::string& sender = k_sender,
                   uint16_t version = proto::PROTOCOL_VERSION) {
  capnp::MallocMessageBuilder builder;
  auto header = builder.initRoot<proto::FrameHeader>();
  header.setVersion(version);
  header.setStreamId(stream_id);
  header.setFirstSeq(first_seq);
  if (!sender.empty())
    header.setSender(capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(sender.data()), sender.size()));
  return bytes_of(builder);
}

zmq::message_t frame_of(const std::string& bytes) {
  return zmq::message_t(bytes.data(), bytes.size());
}

// A raw echo.echo request envelope; `shape` may change anything before it is framed.
std::string raw_envelope(uint64_t request_id, const std::function<void(proto::Envelope::Builder)>& shape) {
  capnp::MallocMessageBuilder builder;
  auto env = builder.initRoot<proto::Envelope>();
  env.setKind(proto::Kind::REQUEST);
  env.setMethod("echo.echo");
  env.setRequestId(request_id);
  shape(env);
  return bytes_of(builder);
}

// A frame of one raw request from an unnumbered peer (stream 0) that names itself `sender`.
zmq::message_t raw_request(uint64_t request_id, const std::function<void(proto::Envelope::Builder)>& shape,
                           const std::string& sender = k_sender) {
  return frame_of(header(0, 0, sender) + raw_envelope(request_id, shape));
}

std::string echo_envelope(uint64_t request_id, const std::string& text) {
  return raw_envelope(request_id, [&text](proto::Envelope::Builder env) {
    env.setPayloadType(capnp::typeId<proto::EchoRequest>());
    env.getPayload().initAs<proto::EchoRequest>().setText(text);
  });
}

// A frame of one echo.echo request, number `seq` of stream 42.
zmq::message_t echo_request(uint64_t request_id, const std::string& text, uint64_t seq) {
  return frame_of(header(42, seq) + echo_envelope(request_id, text));
}

struct Answer {
  proto::Kind kind;
  uint16_t error_code;
  uint64_t calls;
  uint64_t request_id;
};

// Reads the envelopes of one frame (a batch holds several).
std::vector<Answer> read_frame(const zmq::message_t& frame) {
  // ZeroMQ keeps small frames inside the message object, not always 8-byte aligned: copy first.
  auto words = kj::heapArray<capnp::word>(frame.size() / 8);
  std::memcpy(words.begin(), frame.data(), words.size() * 8);
  std::vector<Answer> answers;
  capnp::FlatArrayMessageReader header(words);
  CHECK(header.getRoot<proto::FrameHeader>().getVersion() == proto::PROTOCOL_VERSION);
  CHECK(header.getRoot<proto::FrameHeader>().getSender().size() == 0);  // answers name no sender
  const capnp::word* end = words.end();
  kj::ArrayPtr<const capnp::word> rest = kj::arrayPtr(header.getEnd(), end);
  while (rest.size() > 0) {
    capnp::FlatArrayMessageReader reader(rest);
    auto env = reader.getRoot<proto::Envelope>();
    Answer answer{env.getKind(), env.getErrorCode(), 0, env.getRequestId()};
    if (env.getKind() == proto::Kind::REPLY) answer.calls = env.getPayload().getAs<proto::EchoReply>().getCalls();
    answers.push_back(answer);
    rest = kj::arrayPtr(reader.getEnd(), rest.end());
  }
  return answers;
}

// A raw ZeroMQ DEALER speaking to the serverlet: answers may come several to a frame, and are read one by one.
struct RawCaller {
  zmq::socket_t socket;
  std::deque<Answer> queued;
  size_t frames = 0;

  void send(zmq::message_t&& frame) { socket.send(frame, zmq::send_flags::none); }
  Answer receive() {
    while (queued.empty()) {
      zmq::message_t frame;
      REQUIRE(socket.recv(frame));
      ++frames;
      for (const Answer& answer : read_frame(frame)) queued.push_back(answer);
    }
    Answer answer = queued.front();
    queued.pop_front();
    return answer;
  }
};

RawCaller raw_dealer(zmq::context_t& context, const std::string& endpoint) {
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::rcvtimeo, 5000);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  return RawCaller{std::move(socket), {}, 0};
}

}  // namespace

TEST_CASE("a retried request is answered from the reply cache and runs once") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  socket.send(echo_request(7, "once", 1));
  Answer first = socket.receive();
  socket.send(echo_request(7, "once", 2));
  Answer second = socket.receive();
  CHECK(first.kind == proto::Kind::REPLY);
  CHECK(second.kind == proto::Kind::REPLY);
  CHECK(first.calls == 1);
  CHECK(second.calls == 1);  // the handler did not run again
  socket.send(echo_request(8, "new", 3));
  CHECK(socket.receive().calls == 2);
}

TEST_CASE("a caller forgotten while its handler runs still gets the answer") {
  // Silent callers are forgotten after four dead-peer intervals (1.2 s with the test options); this handler
  // sleeps longer, so its answer finds the caller's state gone and makes it anew.
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  socket.send(raw_request(9, [](proto::Envelope::Builder env) {
    env.setPayloadType(capnp::typeId<proto::EchoRequest>());
    env.getPayload().initAs<proto::EchoRequest>().setDelayMs(1600);
  }));
  Answer slow = socket.receive();
  CHECK(slow.kind == proto::Kind::REPLY);
  CHECK(slow.request_id == 9);
  socket.send(echo_request(10, "after", 1));
  Answer after = socket.receive();
  CHECK(after.kind == proto::Kind::REPLY);
  CHECK(after.request_id == 10);
}

TEST_CASE("a garbage frame gets a bad_envelope error and the serverlet keeps serving") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  for (const std::string& garbage : {std::string("hello"), std::string(64, '\xff'), std::string(8, '\0')}) {
    zmq::message_t frame(garbage.data(), garbage.size());
    socket.send(std::move(frame));
    Answer error = socket.receive();
    CHECK(error.kind == proto::Kind::ERROR);
    CHECK(error.error_code == static_cast<uint16_t>(bus::ErrorCode::bad_envelope));
  }
  socket.send(echo_request(1, "fine", 1));
  CHECK(socket.receive().kind == proto::Kind::REPLY);
}

TEST_CASE("a payload that does not decode as the request type gets bad_request") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  socket.send(raw_request(
      5, [](proto::Envelope::Builder env) { env.getPayload().setAs<capnp::Text>("a text where a struct belongs"); }));
  Answer error = socket.receive();
  CHECK(error.kind == proto::Kind::ERROR);
  CHECK(error.error_code == static_cast<uint16_t>(bus::ErrorCode::bad_request));
  CHECK(error.request_id == 5);
  socket.send(echo_request(6, "fine", 2));
  CHECK(socket.receive().kind == proto::Kind::REPLY);
}

TEST_CASE("a request whose deadline already passed is refused without running") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  socket.send(raw_request(9, [](proto::Envelope::Builder env) {
    env.setDeadlineUs(1000);  // 1970
    env.getPayload().initAs<proto::EchoRequest>();
  }));
  Answer error = socket.receive();
  CHECK(error.kind == proto::Kind::ERROR);
  CHECK(error.error_code == static_cast<uint16_t>(bus::ErrorCode::deadline_exceeded));
}

TEST_CASE("a retried request for a pure function runs again instead of being kept in the reply cache") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  auto upper = [](uint64_t request_id) {
    return raw_request(request_id, [](proto::Envelope::Builder env) {
      env.setMethod("echo.upper");
      env.getPayload().initAs<proto::EchoRequest>().setText("x");
    });
  };
  socket.send(upper(3));
  CHECK(socket.receive().calls == 1);
  socket.send(upper(3));
  CHECK(socket.receive().calls == 2);  // answers of invariant-functional methods (maybe secrets) are not kept
}

TEST_CASE("several requests in one frame are each answered, in order, and answers come batched") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  constexpr uint64_t k_requests = 100;
  std::string batch = header(42, 1);
  for (uint64_t i = 1; i <= k_requests; ++i) batch += echo_envelope(i, "batched");
  socket.send(zmq::message_t(batch.data(), batch.size()));
  for (uint64_t i = 1; i <= k_requests; ++i) {
    Answer answer = socket.receive();
    CHECK(answer.kind == proto::Kind::REPLY);
    CHECK(answer.request_id == i);
    CHECK(answer.calls == i);
  }
  // Answered in one turn of the server's reactor: far fewer frames than answers (the first goes alone, the
  // rest together unless a slow machine made the handler queue flush them on time).
  CHECK(socket.frames < k_requests / 2);
}

TEST_CASE("a malformed envelope inside a frame is refused alone; a broken segment table ends the frame") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  // The poll loop refuses a malformed envelope at once, before handlers answer the requests around it, so
  // answers are compared as a set: request id -> kind, 0 for the refusal.
  auto answers_of = [&socket](size_t count) {
    std::map<uint64_t, std::pair<proto::Kind, uint16_t>> answers;
    for (size_t i = 0; i < count; ++i) {
      Answer answer = socket.receive();
      answers[answer.request_id] = {answer.kind, answer.error_code};
    }
    return answers;
  };
  const auto reply = std::make_pair(proto::Kind::REPLY, uint16_t{0});
  const auto refused = std::make_pair(proto::Kind::ERROR, static_cast<uint16_t>(bus::ErrorCode::bad_envelope));

  // request 1, an envelope whose root is a list where a struct belongs, request 2: the middle one is refused,
  // both requests answered.
  const uint32_t list_root[4] = {0, 1, 1, 0};  // one segment of one word: a list pointer
  std::string frame = header(42, 1) + echo_envelope(1, "a") +
                      std::string(reinterpret_cast<const char*>(list_root), sizeof list_root) + echo_envelope(2, "b");
  socket.send(frame_of(frame));
  auto answers = answers_of(3);
  CHECK(answers.size() == 3);
  CHECK(answers[0] == refused);
  CHECK(answers[1] == reply);
  CHECK(answers[2] == reply);

  // request 3, then a segment table claiming more words than the frame holds, then request 4 that cannot be
  // found: request 3 is answered, the rest of the frame gets one bad_envelope error.
  const uint32_t table[2] = {0, 1u << 30};
  frame = header(42, 4) + echo_envelope(3, "c") + std::string(reinterpret_cast<const char*>(table), sizeof table) +
          echo_envelope(4, "d");
  socket.send(frame_of(frame));
  answers = answers_of(2);
  CHECK(answers.size() == 2);
  CHECK(answers[0] == refused);
  CHECK(answers[3] == reply);
  socket.send(echo_request(5, "fine", 7));
  Answer fine = socket.receive();
  CHECK(fine.kind == proto::Kind::REPLY);
  CHECK(fine.request_id == 5);
  CHECK(socket.queued.empty());  // request 4 was never run
}

TEST_CASE("a frame of another protocol version, or whose header is malformed, is refused as a whole") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  auto refused = [&socket](const std::string& frame) {
    socket.send(frame_of(frame));
    const Answer answer = socket.receive();
    CHECK(answer.kind == proto::Kind::ERROR);
    CHECK(answer.error_code == static_cast<uint16_t>(bus::ErrorCode::bad_envelope));
    return answer;
  };
  // Version 1 (a frame of envelopes only, each holding its version where the header holds it), and a version
  // to come: one refusal each, the requests in them never run.
  refused(header(42, 1, k_sender, 1) + echo_envelope(1, "old"));
  refused(header(42, 1, k_sender, 3) + echo_envelope(2, "new") + echo_envelope(3, "new"));
  refused(header(42, 1, std::string(8, 'x')) + echo_envelope(4, "short sender"));
  refused(header(42, 1));  // a header and nothing after it
  // A header whose root is not a struct.
  const uint32_t list_root[4] = {0, 1, 1, 0};
  refused(std::string(reinterpret_cast<const char*>(list_root), sizeof list_root) + echo_envelope(5, "x"));
  socket.send(echo_request(6, "fine", 1));
  const Answer fine = socket.receive();
  CHECK(fine.kind == proto::Kind::REPLY);
  CHECK(fine.request_id == 6);
  CHECK(fine.calls == 1);  // none of the refused requests ran
  CHECK(socket.queued.empty());
}
