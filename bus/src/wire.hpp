// Encoding and decoding of envelopes on the wire and in process (a builder handed over without serialization).
// On the wire one ZeroMQ frame carries a frame header (protocol version, the sender's stream and id, the first
// envelope's sequence number) and then one or more envelopes back to back, each an unpacked Cap'n Proto message
// in the standard stream framing (segment table, then segments): the envelopes a node sends to one peer in one
// turn of its reactor travel as one frame (FrameBatch), and a frame of one envelope is the same format.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <zmq.hpp>

#include "skymesh/bus/message.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::bus::detail {

// Limits on what a peer may send: a bigger or deeper message is malformed.
constexpr size_t k_max_frame_bytes = 64u << 20;
constexpr int k_max_nesting = 64;

// A message builder whose 512-byte first segment comes from a per-thread pool (zeroed again when the builder is
// done, so the segment is ready for the next one): building a small envelope allocates nothing once the pool is
// warm, and one that fits the segment is framed where it was built. Bigger ones get heap segments.
struct PooledBuilder;
struct PooledBuilderRelease {
  void operator()(PooledBuilder* builder) const noexcept;
};
using BuilderPtr = std::unique_ptr<PooledBuilder, PooledBuilderRelease>;
// A builder whose first segment holds at least `first_segment_words` (0: the pooled size).
BuilderPtr make_builder(size_t first_segment_words = 0);
capnp::MessageBuilder& message_builder(PooledBuilder& builder);

// What a frame's header says: the same for every envelope in the frame.
struct FrameStamp {
  uint64_t stream_id = 0;
  uint64_t first_seq = 0;   // the first envelope's number in the stream; the others follow one by one
  std::string_view sender;  // the sending node's 16-byte id, or empty (a server's answers to its callers)
  uint64_t done_below = 0;  // a caller's reply-cache watermark (proto::FrameHeader::doneBelow)
};

// A frame header in the stream framing (a single-segment FrameHeader message), written by hand: 7 words, 9 with
// a sender. The layout is Cap'n Proto's for proto::FrameHeader (wire_test checks it against a builder's).
constexpr size_t k_max_header_words = 9;
size_t write_frame_header(const FrameStamp& stamp, capnp::word* out);
size_t frame_header_words(const FrameStamp& stamp);

// An envelope under construction. Owns its builder; becomes a frame (to send) or a Message (local call).
class FrameBatch;
class EncodedEnvelope;

class Outgoing {
 public:
  explicit Outgoing(Kind kind);
  Outgoing(Outgoing&&) = default;
  Outgoing& operator=(Outgoing&&) = default;

  proto::Envelope::Builder envelope() { return envelope_; }
  // Serializes into one frame of its own, after a header saying `stamp` (one copy, into ZeroMQ's buffer).
  zmq::message_t to_frame(const FrameStamp& stamp) const;
  // Appends the envelope, framed, to a batch (one copy, into the batch's buffer). `seq` is its number in the
  // stream: the batch's first envelope sets the frame's first_seq, and the others must follow one by one.
  void append_to(FrameBatch& batch, uint64_t seq) const;
  // Hands the builder to a Message without serializing (same-process calls).
  MessagePtr to_message() &&;
  size_t size_words() const;
  // Whether its encoding takes more than `words` words; for an envelope still within its pooled 512-byte first
  // segment and a limit above that, answered without measuring it.
  bool bigger_than(size_t words) const;
  // Its encoding, in a block of its own (what is kept of an envelope after it was sent).
  EncodedEnvelope encode() const;
  // A builder holding a copy of a received or encoded envelope (to re-stamp and resend it).
  static Outgoing copy_of(proto::Envelope::Reader envelope);

 private:
  Outgoing() : envelope_(nullptr) {}
  BuilderPtr builder_;
  proto::Envelope::Builder envelope_;
};

// A finished envelope kept in its encoding (stream framing) rather than in its builder, which goes back to its
// pool at once: the reply cache keeps answers so, and a pending call its request. Small ones (up to 640 bytes)
// take a block from a per-thread pool of their size class.
class EncodedEnvelope {
 public:
  EncodedEnvelope() = default;
  EncodedEnvelope(EncodedEnvelope&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), words_(std::exchange(other.words_, 0)) {}
  EncodedEnvelope& operator=(EncodedEnvelope&& other) noexcept;
  ~EncodedEnvelope();

  kj::ArrayPtr<const capnp::word> words() const { return kj::arrayPtr(data_, words_); }
  // The memory it holds, for budgets.
  size_t bytes() const;
  // A builder holding a copy, to number anew and send again.
  Outgoing decode() const;

 private:
  friend class Outgoing;
  explicit EncodedEnvelope(size_t words);
  capnp::word* data_ = nullptr;
  size_t words_ = 0;
};

// Envelopes waiting to go to one peer as one frame. The buffer is kept between frames (no allocation once warm).
class FrameBatch {
 public:
  FrameBatch() = default;
  FrameBatch(FrameBatch&& other) noexcept;
  FrameBatch& operator=(FrameBatch&& other) noexcept;
  ~FrameBatch();

  bool empty() const { return count_ == 0; }
  size_t count() const { return count_; }
  size_t bytes() const { return words_ * sizeof(capnp::word); }
  uint64_t first_seq() const { return first_seq_; }
  // The envelopes appended so far as one frame, after a header saying `stamp` (its first_seq is the batch's);
  // the batch is empty afterwards.
  zmq::message_t take(FrameStamp stamp);
  void clear() {
    words_ = 0;
    count_ = 0;
  }

 private:
  friend class Outgoing;
  // Room for `words` more words at the end; returns where they go (the caller fills them).
  capnp::word* extend(size_t words);
  capnp::word* data_ = nullptr;
  size_t words_ = 0, capacity_ = 0, count_ = 0;
  uint64_t first_seq_ = 0;
};

// Reads one received frame: its header (size, framing, protocol version, a sender of 16 bytes or none), then its
// envelopes in order, checking each: size, framing, and every envelope field the bus reads for its kind (the
// method always, errorMessage of an error, topic of a subscription message or event; the payload is checked
// when a handler reads it). The header and the method are read by hand, with the checks Cap'n Proto's reader
// makes, when they are in the form every builder writes (a single segment, pointers straight to their
// targets); otherwise by Cap'n Proto's reader. Each message gets the header's stream id and sender and its own
// sequence number. A header that fails its checks is an error that ends the frame; an envelope that fails its
// checks is an error and reading goes on with the next; a framing error (a size that does not fit the frame)
// is an error that ends the frame, since nothing after it can be found.
class FrameReader {
 public:
  explicit FrameReader(zmq::message_t&& frame);
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;
  ~FrameReader();

  // The next envelope, or nullopt at the end of the frame.
  std::optional<Result<MessagePtr>> next();
  // The frame's header (valid once next() returned something other than a header error; its sender views the
  // reader's own copy).
  const FrameStamp& header() const { return header_; }

 private:
  struct Storage;
  Status read_header();
  // Through Cap'n Proto's reader: a header in a form read_header() does not read by hand.
  Status read_header_slowly(size_t header_words);
  // The header's sender: none, or 16 bytes (copied; header_.sender views the copy).
  Status take_sender(const void* data, size_t size);

  zmq::message_t frame_;                  // small frames: envelopes are copied out of it
  std::shared_ptr<Storage> storage_;      // big frames: shared by the envelopes read from it
  const unsigned char* bytes_ = nullptr;  // the frame's words (aligned when big)
  size_t words_ = 0, offset_ = 0;
  std::optional<Status> error_;  // a frame refused as a whole (reported once)
  bool done_ = false, header_read_ = false;
  FrameStamp header_;
  uint64_t next_seq_ = 0;
  std::array<char, 16> sender_{};
};

// Decodes a frame that must hold exactly one envelope after its header (a test's frame).
Result<MessagePtr> decode_frame(zmq::message_t&& frame);

// An answer (reply or error) to `request`, echoing its request id, handler id and trace id.
Outgoing make_answer(const Message& request, Kind kind);
Outgoing make_error(const Message& request, const Status& status);
// Makes `envelope` an error saying `status` (kind, code, and the message in its extra fields).
void set_error(proto::Envelope::Builder envelope, const Status& status);

int64_t unix_micros(std::chrono::system_clock::time_point time = std::chrono::system_clock::now());
// Converts an envelope deadline (Unix microseconds, 0 = none) to this process's steady clock, and back. `now` is
// the caller's steady-clock reading; the Unix clock is read at most every 100 ms per thread (the offset between
// the two clocks is kept), so a conversion costs no clock read of its own.
std::chrono::steady_clock::time_point steady_deadline(int64_t deadline_us, std::chrono::steady_clock::time_point now);
int64_t deadline_micros(std::chrono::steady_clock::time_point deadline, std::chrono::steady_clock::time_point now);

}  // namespace skymesh::bus::detail
