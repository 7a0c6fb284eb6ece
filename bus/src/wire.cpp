#include "wire.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include <kj/exception.h>

#include "block_pool.hpp"

namespace skymesh::bus::detail {

// An envelope with a small payload is about 35 words; 512 bytes keep it single-segment (one copy to send)
// without zeroing more than needed. Bigger ones grow a second segment and are flattened.
constexpr unsigned k_first_segment_words = 64;
// Received frames up to this size are copied into the message itself (one allocation, always aligned, and
// ZeroMQ's receive buffer is released at once); bigger ones are kept as received (copied only if unaligned).
constexpr size_t k_inline_frame_words = 64;
// Free first segments kept per thread.
constexpr size_t k_pool_max = 4096;

struct PooledBuilder {
  PooledBuilder() { std::memset(scratch, 0, sizeof scratch); }
  alignas(capnp::word) capnp::word scratch[k_first_segment_words];  // all zero while unused
  std::optional<capnp::MallocMessageBuilder> builder;
  bool pooled = true;
};

namespace {

struct BuilderPool {
  std::vector<PooledBuilder*> free;
  BuilderPool();
  ~BuilderPool();
};
// Trivially destructible, so a builder released during thread exit (after the pool is gone) sees nullptr.
thread_local BuilderPool* current_pool = nullptr;
BuilderPool::BuilderPool() {
  current_pool = this;
}
BuilderPool::~BuilderPool() {
  current_pool = nullptr;
  for (PooledBuilder* builder : free) delete builder;
}
BuilderPool& pool() {
  thread_local BuilderPool instance;
  return instance;
}

}  // namespace

void PooledBuilderRelease::operator()(PooledBuilder* builder) const noexcept {
  builder->builder.reset();  // zeroes the part of the scratch segment it used
  if (builder->pooled && current_pool && current_pool->free.size() < k_pool_max) {
    current_pool->free.push_back(builder);
  } else {
    delete builder;
  }
}

BuilderPtr make_builder(size_t first_segment_words) {
  if (first_segment_words > k_first_segment_words) {
    BuilderPtr big(new PooledBuilder());
    big->pooled = false;
    big->builder.emplace(static_cast<unsigned>(first_segment_words));
    return big;
  }
  BuilderPool& free_list = pool();
  BuilderPtr builder;
  if (free_list.free.empty()) {
    builder.reset(new PooledBuilder());
  } else {
    builder.reset(free_list.free.back());
    free_list.free.pop_back();
  }
  builder->builder.emplace(kj::arrayPtr(builder->scratch, k_first_segment_words));
  return builder;
}

capnp::MallocMessageBuilder& message_builder(PooledBuilder& builder) {
  return *builder.builder;
}

namespace {

class BuiltMessage final : public Message {
 public:
  explicit BuiltMessage(BuilderPtr builder) : builder_(std::move(builder)) {
    envelope_ = builder_->builder->getRoot<proto::Envelope>().asReader();
    cache_fields();
  }

 private:
  BuilderPtr builder_;
};

// A received envelope: checks and reads it from words that live as long as the message.
class DecodedMessage : public Message {
 public:
  // Cap'n Proto's reader destructor is noexcept(false); Message's is noexcept, and a reader that is done
  // reading never throws on destruction.
  ~DecodedMessage() noexcept override { reader_.reset(); }

 protected:
  Status read(kj::ArrayPtr<const capnp::word> words) {
    capnp::ReaderOptions options;
    // Cap'n Proto's default (8 Mi words) bounds amplification; handlers may read fields many times.
    options.nestingLimit = k_max_nesting;
    try {
      reader_.emplace(words, options);
      envelope_ = reader_->getRoot<proto::Envelope>();
      if (envelope_.getVersion() == 0) return Status(ErrorCode::bad_envelope, "protocol version 0");
      // Touch every pointer field once: a malformed one throws here, never later in a handler.
      (void)envelope_.getKind();
      cache_fields();  // method and sender
      (void)envelope_.getErrorMessage();
      (void)envelope_.getTopic();
      if (sender_.size() != 0 && sender_.size() != 16) {
        return Status(ErrorCode::bad_envelope, "sender id must be 16 bytes");
      }
    } catch (const kj::Exception& e) {
      return Status(ErrorCode::bad_envelope, std::string("envelope did not decode: ") + e.getDescription().cStr());
    }
    return Status();
  }

 private:
  std::optional<capnp::FlatArrayMessageReader> reader_;
};

// A small frame, copied into the message: aligned, and the frame's buffer goes back to ZeroMQ at once.
class InlineFrameMessage final : public DecodedMessage {
 public:
  Status init(const zmq::message_t& frame) {
    const size_t size = frame.size();
    std::memcpy(words_, frame.data(), size);
    return read(kj::arrayPtr(static_cast<const capnp::word*>(words_), size / sizeof(capnp::word)));
  }

 private:
  alignas(capnp::word) capnp::word words_[k_inline_frame_words];
};

class FrameMessage final : public DecodedMessage {
 public:
  explicit FrameMessage(zmq::message_t&& frame) : frame_(std::move(frame)) {}

  Status init() {
    const size_t size = frame_.size();
    const void* data = frame_.data();
    if (reinterpret_cast<uintptr_t>(data) % alignof(capnp::word) != 0) {
      copy_ = kj::heapArray<capnp::word>(size / sizeof(capnp::word));
      std::memcpy(copy_.begin(), data, size);
      data = copy_.begin();
    }
    return read(kj::arrayPtr(static_cast<const capnp::word*>(data), size / sizeof(capnp::word)));
  }

 private:
  zmq::message_t frame_;
  kj::Array<capnp::word> copy_;
};

}  // namespace

Outgoing::Outgoing(Kind kind) : builder_(make_builder()), envelope_(builder_->builder->initRoot<proto::Envelope>()) {
  envelope_.setVersion(proto::PROTOCOL_VERSION);
  envelope_.setKind(kind);
}

size_t Outgoing::size_words() const {
  return capnp::computeSerializedSizeInWords(*builder_->builder);
}

zmq::message_t Outgoing::to_frame() const {
  auto segments = builder_->builder->getSegmentsForOutput();
  if (segments.size() == 1) {
    // Single segment: 8-byte table (count-1 = 0, size in words) then the words.
    const auto& segment = segments[0];
    zmq::message_t frame(sizeof(capnp::word) * (segment.size() + 1));
    auto* out = static_cast<uint32_t*>(frame.data());
    out[0] = 0;
    out[1] = static_cast<uint32_t>(segment.size());
    std::memcpy(out + 2, segment.begin(), segment.size() * sizeof(capnp::word));
    return frame;
  }
  auto flat = capnp::messageToFlatArray(segments);
  return zmq::message_t(flat.begin(), flat.size() * sizeof(capnp::word));
}

Outgoing Outgoing::clone() const {
  return copy_of(envelope_.asReader());
}

Outgoing Outgoing::copy_of(proto::Envelope::Reader envelope) {
  Outgoing copy;
  const size_t words = envelope.totalSize().wordCount + 1;
  copy.builder_ = make_builder(words);
  copy.builder_->builder->setRoot(envelope);
  copy.envelope_ = copy.builder_->builder->getRoot<proto::Envelope>();
  return copy;
}

MessagePtr Outgoing::to_message() && {
  return std::allocate_shared<BuiltMessage>(PoolAllocator<BuiltMessage>(), std::move(builder_));
}

Result<MessagePtr> decode_frame(zmq::message_t&& frame) {
  const size_t size = frame.size();
  if (size == 0 || size % sizeof(capnp::word) != 0) {
    return Status(ErrorCode::bad_envelope, "frame size " + std::to_string(size) + " is not whole words");
  }
  if (size > k_max_frame_bytes) return Status(ErrorCode::bad_envelope, "frame larger than 64 MiB");
  if (size <= k_inline_frame_words * sizeof(capnp::word)) {
    auto message = std::allocate_shared<InlineFrameMessage>(PoolAllocator<InlineFrameMessage>());
    Status status = message->init(frame);
    if (!status.ok()) return status;
    return MessagePtr(std::move(message));
  }
  auto message = std::allocate_shared<FrameMessage>(PoolAllocator<FrameMessage>(), std::move(frame));
  Status status = message->init();
  if (!status.ok()) return status;
  return MessagePtr(std::move(message));
}

Outgoing make_answer(const Message& request, Kind kind) {
  Outgoing out(kind);
  auto env = out.envelope();
  auto req = request.envelope();
  const std::string_view method = request.method();  // read once when the request was made
  env.setMethod(capnp::Text::Reader(method.data(), method.size()));
  env.setRequestId(req.getRequestId());
  env.setHandlerId(req.getHandlerId());
  env.setTraceId(req.getTraceId());
  return out;
}

Outgoing make_error(const Message& request, const Status& status) {
  Outgoing out = make_answer(request, Kind::ERROR);
  out.envelope().setErrorCode(static_cast<uint16_t>(status.code()));
  out.envelope().setErrorMessage(status.message());
  return out;
}

int64_t unix_micros(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

namespace {

int64_t steady_micros(std::chrono::steady_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
}

// Unix microseconds minus steady microseconds, re-read every 100 ms per thread (clock adjustments show up then).
int64_t unix_offset(std::chrono::steady_clock::time_point now) {
  thread_local std::chrono::steady_clock::time_point read_at;
  thread_local int64_t offset = 0;
  thread_local bool valid = false;
  if (!valid || now < read_at || now - read_at > std::chrono::milliseconds(100)) {
    valid = true;
    read_at = now;
    offset = unix_micros() - steady_micros(now);
  }
  return offset;
}

}  // namespace

std::chrono::steady_clock::time_point steady_deadline(int64_t deadline_us, std::chrono::steady_clock::time_point now) {
  if (deadline_us == 0) return std::chrono::steady_clock::time_point::max();
  // Clamped so that any 64-bit value a peer sends converts without overflow (past or far future).
  constexpr int64_t k_limit = int64_t{1} << 50;  // microseconds: about 35 years
  int64_t steady_us = 0;
  if (__builtin_sub_overflow(deadline_us, unix_offset(now), &steady_us))
    steady_us = deadline_us < 0 ? -k_limit : k_limit;
  const int64_t now_us = steady_micros(now);
  steady_us = std::clamp(steady_us, now_us - k_limit, now_us + k_limit);
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::microseconds(steady_us)));
}

int64_t deadline_micros(std::chrono::steady_clock::time_point deadline, std::chrono::steady_clock::time_point now) {
  if (deadline == std::chrono::steady_clock::time_point::max()) return 0;
  return steady_micros(deadline) + unix_offset(now);
}

}  // namespace skymesh::bus::detail
