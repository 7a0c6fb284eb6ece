// Writes the seed corpus of the envelope fuzz target (tests/fuzz/corpus/envelope) with the bus's own encoder, so
// that the seeds follow the wire format when it changes:
//
//   build/bin/make_envelope_corpus tests/fuzz/corpus/envelope
//
// Each file is one frame: well-formed frames of each kind, batches, and frames broken in the ways a peer could
// break them (a truncated last envelope, a segment table claiming too much, an old protocol version).
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "skymesh/proto/test.capnp.h"
#include "wire.hpp"

namespace {

using skymesh::bus::Kind;
using skymesh::bus::detail::FrameBatch;
using skymesh::bus::detail::FrameStamp;
using skymesh::bus::detail::Outgoing;
namespace proto = skymesh::proto;

const std::string k_sender = "0123456789abcdef";

std::string bytes_of(const zmq::message_t& frame) {
  return std::string(static_cast<const char*>(frame.data()), frame.size());
}

Outgoing request(uint64_t id, const char* text) {
  Outgoing out(Kind::REQUEST);
  auto env = out.envelope();
  env.setMethod("echo.echo");
  env.setRequestId(id);
  env.setTraceId(id * 7);
  env.setPayloadType(capnp::typeId<proto::EchoRequest>());
  env.getPayload().initAs<proto::EchoRequest>().setText(text);
  return out;
}

Outgoing answer(Kind kind, uint64_t id) {
  Outgoing out(kind);
  auto env = out.envelope();
  env.setRequestId(id);
  if (kind == Kind::REPLY) {
    env.setPayloadType(capnp::typeId<proto::EchoReply>());
    env.getPayload().initAs<proto::EchoReply>().setText("echoed");
  }
  if (kind == Kind::ERROR) {
    env.setErrorCode(3);
    env.getExtra().setErrorMessage("no method echo.nothing on echo");
  }
  return out;
}

Outgoing subscription(Kind kind) {
  Outgoing out(kind);
  auto env = out.envelope();
  env.setHandlerId(5);
  env.setCredit(kind == Kind::EVENT ? 0 : 1024);
  auto extra = env.getExtra();
  extra.setTopic("echo.ticks");
  extra.setSince(kind == Kind::EVENT ? 17 : 1);
  if (kind == Kind::EVENT) {
    env.setPayloadType(capnp::typeId<proto::Tick>());
    env.getPayload().initAs<proto::Tick>().setN(17);
  }
  return out;
}

std::string alone(const Outgoing& out, bool from_caller) {
  return bytes_of(out.to_frame(FrameStamp{42, 1, from_caller ? k_sender : std::string_view(), 1}));
}

std::string batch_of(const std::vector<Outgoing>& envelopes, bool from_caller) {
  FrameBatch batch;
  uint64_t seq = 1;
  for (const Outgoing& out : envelopes) out.append_to(batch, seq++);
  return bytes_of(batch.take(FrameStamp{42, 0, from_caller ? k_sender : std::string_view(), 1}));
}

void write(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_envelope_corpus DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  write(dir, "request", alone(request(1, "hello"), true));
  write(dir, "error", alone(answer(Kind::ERROR, 1), false));
  write(dir, "subscribe", alone(subscription(Kind::SUBSCRIBE), true));
  {
    Outgoing wrong(Kind::REQUEST);
    wrong.envelope().setMethod("echo.echo");
    wrong.envelope().setRequestId(2);
    wrong.envelope().getPayload().setAs<capnp::Text>("a text where a struct belongs");
    write(dir, "wrong_payload", alone(wrong, true));
  }
  write(dir, "garbage", "not a frame at all....");
  std::vector<Outgoing> three;
  for (uint64_t id = 1; id <= 3; ++id) three.push_back(request(id, "batched"));
  const std::string batch_three = batch_of(three, true);
  write(dir, "batch_three", batch_three);
  std::vector<Outgoing> six;
  six.push_back(answer(Kind::REPLY, 1));
  six.push_back(answer(Kind::ERROR, 2));
  six.push_back(subscription(Kind::EVENT));
  six.push_back(Outgoing(Kind::HEARTBEAT));
  six.push_back(subscription(Kind::CREDIT));
  six.push_back(answer(Kind::STREAM_ITEM, 3));
  write(dir, "batch_six", batch_of(six, false));
  write(dir, "batch_truncated_last", batch_three.substr(0, batch_three.size() - 24));
  const uint32_t oversized[2] = {0, 1u << 30};
  write(dir, "batch_oversized_table",
        batch_three + std::string(reinterpret_cast<const char*>(oversized), sizeof oversized));
  const uint32_t many[2] = {600, 1};
  write(dir, "batch_many_segments", batch_three + std::string(reinterpret_cast<const char*>(many), sizeof many));
  // A version 1 frame starts with an envelope whose first data word holds its version (1), where a header's does.
  std::string old = alone(request(9, "old"), true);
  old[16] = 1;  // the header's version field (word 2, its low bytes)
  old[17] = 0;
  write(dir, "version_1", old);
  return 0;
}
