// Fuzz target: arbitrary bytes as an incoming frame (a header, then one or more envelopes back to back). Decoding
// must never crash or loop; an envelope that decodes has the method Cap'n Proto's reader finds, and the stream,
// number and sender of its frame's header; each is then read the way the bus reads it (every envelope field, the
// payload as a struct, canonicalized, and as the echo request a handler would see), and any failure must be a
// kj::Exception, which the bus turns into an error reply. The corpus (tests/fuzz/corpus/envelope) is written by
// build/bin/make_envelope_corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <kj/exception.h>

#include "skymesh/proto/test.capnp.h"
#include "wire.hpp"

namespace {

// The fields the decoder read by hand are what Cap'n Proto's reader reads, and reading them again cannot fail;
// the header's fields are the frame's.
void check_fields_agree(const skymesh::bus::Message& message, const skymesh::bus::detail::FrameStamp& header,
                        uint64_t seq) {
  try {
    auto method = message.envelope().getMethod();
    if (message.method() != std::string_view(method.cStr(), method.size())) std::abort();
  } catch (const kj::Exception&) {
    std::abort();
  }
  if (message.sender() != header.sender || message.stream_id() != header.stream_id || message.seq() != seq) {
    std::abort();
  }
}

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
    const skymesh::bus::detail::FrameStamp stamp{message.stream_id(), message.seq(), message.sender(), 0};
    (void)copy.to_frame(stamp);
    (void)copy.encode().decode();
    skymesh::bus::detail::FrameBatch batch;
    copy.append_to(batch, message.seq());
    (void)batch.take(stamp);
  } catch (const kj::Exception&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  zmq::message_t frame(data, size);
  skymesh::bus::detail::FrameReader reader(std::move(frame));
  uint64_t seq = 0;
  bool first = true;
  while (auto decoded = reader.next()) {
    if (first) seq = reader.header().first_seq;  // the header is read with the first envelope
    first = false;
    if (decoded->ok()) {
      check_fields_agree(*decoded->value(), reader.header(), seq);
      read_as_the_bus_does(*decoded->value());
    }
    ++seq;  // a refused envelope keeps its number
  }
  return 0;
}
