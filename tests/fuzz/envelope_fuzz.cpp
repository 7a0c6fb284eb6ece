// Fuzz target: arbitrary bytes as an incoming frame (one or more envelopes back to back). Decoding must never
// crash or loop; each envelope that decodes is then read the way the bus reads it (every envelope field, the payload as
// a struct, canonicalized, and as the echo request a handler would see), and any failure must be a kj::Exception, which
// the bus turns into an error reply.
#include <cstddef>
#include <cstdint>

#include <kj/exception.h>

#include "skymesh/proto/test.capnp.h"
#include "wire.hpp"

namespace {

void read_as_the_bus_does(const skymesh::bus::Message& message) {
  try {
    (void)message.status();
    (void)message.method();
    auto payload = message.payload_any();
    if (!payload.isNull()) {
      (void)payload.getAs<capnp::AnyStruct>().canonicalize();
      auto echo = message.payload<skymesh::proto::EchoRequest>();
      (void)echo.getText();
      (void)echo.getData();
    }
    // A resend copies the envelope, a batch frames it, and the reply cache keeps it encoded to decode for a retry:
    // those paths must hold too.
    auto copy = skymesh::bus::detail::Outgoing::copy_of(message.envelope());
    (void)copy.to_frame();
    (void)copy.encode().decode();
    skymesh::bus::detail::FrameBatch batch;
    copy.append_to(batch);
    (void)batch.take();
  } catch (const kj::Exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zmq::message_t frame(data, size);
  skymesh::bus::detail::FrameReader reader(std::move(frame));
  while (auto decoded = reader.next()) {
    if (decoded->ok()) read_as_the_bus_does(*decoded->value());
  }
  return 0;
}
