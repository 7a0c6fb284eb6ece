// Fuzz target: arbitrary bytes as an incoming frame (one or more envelopes back to back). Decoding must never
// crash or loop; an envelope that decodes has the method and sender Cap'n Proto's reader finds; each is then read
// the way the bus reads it (every envelope field, the payload as a struct, canonicalized, and as the echo request a
// handler would see), and any failure must be a kj::Exception, which the bus turns into an error reply.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <kj/exception.h>

#include "skymesh/proto/test.capnp.h"
#include "wire.hpp"

namespace {

// The fields the decoder read by hand are what Cap'n Proto's reader reads, and reading them again cannot fail.
void check_fields_agree(const skymesh::bus::Message& message) {
  try {
    auto env = message.envelope();
    auto method = env.getMethod();
    auto sender = env.getSender();
    if (message.method() != std::string_view(method.cStr(), method.size()) ||
        message.sender() != std::string_view(reinterpret_cast<const char*>(sender.begin()), sender.size())) {
      std::abort();
    }
  } catch (const kj::Exception&) {
    std::abort();
  }
}

void read_as_the_bus_does(const skymesh::bus::Message& message) {
  check_fields_agree(message);
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
