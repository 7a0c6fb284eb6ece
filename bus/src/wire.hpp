// Encoding and decoding of envelopes on the wire (one ZeroMQ frame = one unpacked single-segment Cap'n Proto
// message) and in process (a builder handed over without serialization).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <zmq.hpp>

#include "skymesh/bus/message.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::bus::detail {

// Limits on what a peer may send: a bigger or deeper message is malformed.
constexpr size_t k_max_frame_bytes = 64u << 20;
constexpr int k_max_nesting = 64;

// A message builder whose 512-byte first segment comes from a per-thread pool (the builder zeroes what it used
// when it is done, so the segment is ready for the next one): building a small envelope allocates nothing once
// the pool is warm. Bigger first segments are allocated and freed as usual.
struct PooledBuilder;
struct PooledBuilderRelease {
  void operator()(PooledBuilder* builder) const noexcept;
};
using BuilderPtr = std::unique_ptr<PooledBuilder, PooledBuilderRelease>;
// A builder whose first segment holds at least `first_segment_words` (0: the pooled size).
BuilderPtr make_builder(size_t first_segment_words = 0);
capnp::MallocMessageBuilder& message_builder(PooledBuilder& builder);

// An envelope under construction. Owns its builder; becomes a frame (to send) or a Message (local call).
class Outgoing {
 public:
  explicit Outgoing(Kind kind);
  Outgoing(Outgoing&&) = default;
  Outgoing& operator=(Outgoing&&) = default;

  proto::Envelope::Builder envelope() { return envelope_; }
  // Serializes into one frame (one copy, into ZeroMQ's buffer).
  zmq::message_t to_frame() const;
  // Hands the builder to a Message without serializing (same-process calls).
  MessagePtr to_message() &&;
  size_t size_words() const;
  // A deep copy (the reply cache keeps one while the original is sent).
  Outgoing clone() const;
  // A builder holding a copy of a received or encoded envelope (to re-stamp and resend it).
  static Outgoing copy_of(proto::Envelope::Reader envelope);

 private:
  Outgoing() : envelope_(nullptr) {}
  BuilderPtr builder_;
  proto::Envelope::Builder envelope_;
};

// Decodes and checks one frame: alignment, size, framing, protocol version, and every envelope field readable.
// The payload is checked when a handler reads it.
Result<MessagePtr> decode_frame(zmq::message_t&& frame);

// An answer (reply or error) to `request`, echoing its method, request id and handler id.
Outgoing make_answer(const Message& request, Kind kind);
Outgoing make_error(const Message& request, const Status& status);

int64_t unix_micros(std::chrono::system_clock::time_point time = std::chrono::system_clock::now());
// Converts an envelope deadline (Unix microseconds, 0 = none) to this process's steady clock, and back. `now` is
// the caller's steady-clock reading; the Unix clock is read at most every 100 ms per thread (the offset between
// the two clocks is kept), so a conversion costs no clock read of its own.
std::chrono::steady_clock::time_point steady_deadline(int64_t deadline_us, std::chrono::steady_clock::time_point now);
int64_t deadline_micros(std::chrono::steady_clock::time_point deadline, std::chrono::steady_clock::time_point now);

}  // namespace skymesh::bus::detail
