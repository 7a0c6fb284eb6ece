// Fuzz target: arbitrary bytes as an incoming frame. Decoding must never crash; a frame that decodes is then
// read the way the bus reads it (every envelope field, the payload as a struct, canonicalized, and as the echo
// request a handler would see), and any failure must be a kj::Exception, which the bus turns into an error reply.
#include <cstddef>
#include <cstdint>

#include <kj/exception.h>

#include "skymesh/proto/test.capnp.h"
#include "wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zmq::message_t frame(data, size);
  auto decoded = skymesh::bus::detail::decode_frame(std::move(frame));
  if (!decoded.ok()) return 0;
  const auto& message = *decoded.value();
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
    // A resend copies the envelope: that path must hold too.
    auto copy = skymesh::bus::detail::Outgoing::copy_of(message.envelope());
    (void)copy.to_frame();
  } catch (const kj::Exception&) {
  }
  return 0;
}
