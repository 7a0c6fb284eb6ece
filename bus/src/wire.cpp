#include "wire.hpp"

#include <algorithm>
#include <cstring>

#include <kj/exception.h>

namespace skymesh::bus::detail {
namespace {

// An envelope with a small payload is about 35 words; 512 bytes keep it single-segment (one copy to send)
// without zeroing more than needed. Bigger ones grow a second segment and are flattened.
constexpr unsigned k_first_segment_words = 64;

class BuiltMessage final : public Message {
 public:
  explicit BuiltMessage(std::unique_ptr<capnp::MallocMessageBuilder> builder) : builder_(std::move(builder)) {
    envelope_ = builder_->getRoot<proto::Envelope>().asReader();
  }

 private:
  std::unique_ptr<capnp::MallocMessageBuilder> builder_;
};

class FrameMessage final : public Message {
 public:
  // Precondition: words is 8-byte aligned and lives as long as this object (it points into frame_ or copy_).
  FrameMessage(zmq::message_t&& frame) : frame_(std::move(frame)) {}
  // Cap'n Proto's reader destructor is noexcept(false); Message's is noexcept, and a reader that is done
  // reading never throws on destruction.
  ~FrameMessage() noexcept override { reader_.reset(); }

  Status init() {
    const size_t size = frame_.size();
    if (size == 0 || size % sizeof(capnp::word) != 0) {
      return Status(ErrorCode::bad_envelope, "frame size " + std::to_string(size) + " is not whole words");
    }
    if (size > k_max_frame_bytes) return Status(ErrorCode::bad_envelope, "frame larger than 64 MiB");
    const void* data = frame_.data();
    if (reinterpret_cast<uintptr_t>(data) % alignof(capnp::word) != 0) {
      copy_ = kj::heapArray<capnp::word>(size / sizeof(capnp::word));
      std::memcpy(copy_.begin(), data, size);
      data = copy_.begin();
    }
    auto words = kj::arrayPtr(static_cast<const capnp::word*>(data), size / sizeof(capnp::word));
    capnp::ReaderOptions options;
    // Cap'n Proto's default (8 Mi words) bounds amplification; handlers may read fields many times.
    options.nestingLimit = k_max_nesting;
    try {
      reader_.emplace(words, options);
      envelope_ = reader_->getRoot<proto::Envelope>();
      if (envelope_.getVersion() == 0) return Status(ErrorCode::bad_envelope, "protocol version 0");
      // Touch every pointer field once: a malformed one throws here, never later in a handler.
      (void)envelope_.getKind();
      (void)envelope_.getMethod();
      (void)envelope_.getSender();
      (void)envelope_.getErrorMessage();
      (void)envelope_.getTopic();
      if (envelope_.getSender().size() != 0 && envelope_.getSender().size() != 16) {
        return Status(ErrorCode::bad_envelope, "sender id must be 16 bytes");
      }
    } catch (const kj::Exception& e) {
      return Status(ErrorCode::bad_envelope, std::string("envelope did not decode: ") + e.getDescription().cStr());
    }
    return Status();
  }

 private:
  zmq::message_t frame_;
  kj::Array<capnp::word> copy_;
  std::optional<capnp::FlatArrayMessageReader> reader_;
};

}  // namespace

Outgoing::Outgoing(Kind kind)
    : builder_(std::make_unique<capnp::MallocMessageBuilder>(k_first_segment_words)),
      envelope_(builder_->initRoot<proto::Envelope>()) {
  envelope_.setVersion(proto::PROTOCOL_VERSION);
  envelope_.setKind(kind);
}

size_t Outgoing::size_words() const {
  return capnp::computeSerializedSizeInWords(*builder_);
}

zmq::message_t Outgoing::to_frame() const {
  auto segments = builder_->getSegmentsForOutput();
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
  copy.builder_ = std::make_unique<capnp::MallocMessageBuilder>(
      static_cast<unsigned>(std::max<size_t>(k_first_segment_words, words)));
  copy.builder_->setRoot(envelope);
  copy.envelope_ = copy.builder_->getRoot<proto::Envelope>();
  return copy;
}

MessagePtr Outgoing::to_message() && {
  return std::make_shared<BuiltMessage>(std::move(builder_));
}

Result<MessagePtr> decode_frame(zmq::message_t&& frame) {
  auto message = std::make_shared<FrameMessage>(std::move(frame));
  Status status = message->init();
  if (!status.ok()) return status;
  return MessagePtr(std::move(message));
}

Outgoing make_answer(const Message& request, Kind kind) {
  Outgoing out(kind);
  auto env = out.envelope();
  auto req = request.envelope();
  env.setMethod(req.getMethod());
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

std::chrono::steady_clock::time_point steady_deadline(int64_t deadline_us) {
  if (deadline_us == 0) return std::chrono::steady_clock::time_point::max();
  const int64_t remaining = deadline_us - unix_micros();
  return std::chrono::steady_clock::now() + std::chrono::microseconds(remaining);
}

int64_t deadline_micros(std::chrono::steady_clock::time_point deadline) {
  if (deadline == std::chrono::steady_clock::time_point::max()) return 0;
  auto remaining = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
  return unix_micros() + remaining.count();
}

}  // namespace skymesh::bus::detail
