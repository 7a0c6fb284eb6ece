// The serverlet as a raw ZeroMQ peer sees it: retried requests, garbage frames and corrupt payloads.
#include <cstring>
#include <functional>
#include <thread>

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

zmq::message_t frame_of(capnp::MallocMessageBuilder& builder) {
  auto flat = capnp::messageToFlatArray(builder);
  return zmq::message_t(flat.begin(), flat.size() * sizeof(capnp::word));
}

// A raw echo.echo request envelope; `shape` may change anything before it is framed.
zmq::message_t raw_request(uint64_t request_id, const std::function<void(proto::Envelope::Builder)>& shape) {
  capnp::MallocMessageBuilder builder;
  auto env = builder.initRoot<proto::Envelope>();
  env.setVersion(proto::PROTOCOL_VERSION);
  env.setKind(proto::Kind::REQUEST);
  env.setMethod("echo.echo");
  env.setRequestId(request_id);
  shape(env);
  return frame_of(builder);
}

zmq::message_t echo_request(uint64_t request_id, const std::string& text, uint64_t seq) {
  capnp::MallocMessageBuilder builder;
  auto env = builder.initRoot<proto::Envelope>();
  env.setVersion(proto::PROTOCOL_VERSION);
  env.setKind(proto::Kind::REQUEST);
  env.setStreamId(42);
  env.setSeq(seq);
  env.setMethod("echo.echo");
  env.setPayloadType(capnp::typeId<proto::EchoRequest>());
  env.setRequestId(request_id);
  const uint8_t sender[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  env.setSender(capnp::Data::Reader(sender, 16));
  env.getPayload().initAs<proto::EchoRequest>().setText(text);
  return frame_of(builder);
}

struct Answer {
  proto::Kind kind;
  uint16_t error_code;
  uint64_t calls;
  uint64_t request_id;
};

Answer receive(zmq::socket_t& socket) {
  zmq::message_t frame;
  REQUIRE(socket.recv(frame));
  // ZeroMQ keeps small frames inside the message object, not always 8-byte aligned: copy first.
  auto words = kj::heapArray<capnp::word>(frame.size() / 8);
  std::memcpy(words.begin(), frame.data(), words.size() * 8);
  capnp::FlatArrayMessageReader reader(words);
  auto env = reader.getRoot<proto::Envelope>();
  Answer answer{env.getKind(), env.getErrorCode(), 0, env.getRequestId()};
  if (env.getKind() == proto::Kind::REPLY) answer.calls = env.getPayload().getAs<proto::EchoReply>().getCalls();
  return answer;
}

zmq::socket_t raw_dealer(zmq::context_t& context, const std::string& endpoint) {
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::rcvtimeo, 5000);
  socket.set(zmq::sockopt::linger, 0);
  socket.connect(endpoint);
  return socket;
}

}  // namespace

TEST_CASE("a retried request is answered from the reply cache and runs once") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  socket.send(echo_request(7, "once", 1), zmq::send_flags::none);
  Answer first = receive(socket);
  socket.send(echo_request(7, "once", 2), zmq::send_flags::none);
  Answer second = receive(socket);
  CHECK(first.kind == proto::Kind::REPLY);
  CHECK(second.kind == proto::Kind::REPLY);
  CHECK(first.calls == 1);
  CHECK(second.calls == 1);  // the handler did not run again
  socket.send(echo_request(8, "new", 3), zmq::send_flags::none);
  CHECK(receive(socket).calls == 2);
}

TEST_CASE("a garbage frame gets a bad_envelope error and the serverlet keeps serving") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  for (const std::string& garbage : {std::string("hello"), std::string(64, '\xff'), std::string(16, '\0')}) {
    zmq::message_t frame(garbage.data(), garbage.size());
    socket.send(frame, zmq::send_flags::none);
    Answer error = receive(socket);
    CHECK(error.kind == proto::Kind::ERROR);
    CHECK(error.error_code == static_cast<uint16_t>(bus::ErrorCode::bad_envelope));
  }
  socket.send(echo_request(1, "fine", 1), zmq::send_flags::none);
  CHECK(receive(socket).kind == proto::Kind::REPLY);
}

TEST_CASE("a payload that does not decode as the request type gets bad_request") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  socket.send(raw_request(5,
                          [](proto::Envelope::Builder env) {
                            env.getPayload().setAs<capnp::Text>("a text where a struct belongs");
                          }),
              zmq::send_flags::none);
  Answer error = receive(socket);
  CHECK(error.kind == proto::Kind::ERROR);
  CHECK(error.error_code == static_cast<uint16_t>(bus::ErrorCode::bad_request));
  CHECK(error.request_id == 5);
  socket.send(echo_request(6, "fine", 2), zmq::send_flags::none);
  CHECK(receive(socket).kind == proto::Kind::REPLY);
}

TEST_CASE("a request whose deadline already passed is refused without running") {
  ServerThread server;
  zmq::context_t context;
  auto socket = raw_dealer(context, server.endpoint);
  socket.send(raw_request(9,
                          [](proto::Envelope::Builder env) {
                            env.setDeadlineUs(1000);  // 1970
                            env.getPayload().initAs<proto::EchoRequest>();
                          }),
              zmq::send_flags::none);
  Answer error = receive(socket);
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
      const uint8_t sender[16] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
      env.setSender(capnp::Data::Reader(sender, 16));
      env.getPayload().initAs<proto::EchoRequest>().setText("x");
    });
  };
  socket.send(upper(3), zmq::send_flags::none);
  CHECK(receive(socket).calls == 1);
  socket.send(upper(3), zmq::send_flags::none);
  CHECK(receive(socket).calls == 2);  // answers of invariant-functional methods (maybe secrets) are not kept
}
