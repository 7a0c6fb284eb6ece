#include "wire.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <capnp/any.h>
#include <capnp/schema.h>
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
// A batch's buffer starts at 8 KiB and is given back after a frame that grew it past 1 MiB.
constexpr size_t k_batch_initial_words = 1024;
constexpr size_t k_batch_keep_words = size_t{1} << 17;

namespace {

using Segments = kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>;

// The segment table's words in stream framing (the count less one, each segment's size, padded to a whole word).
size_t table_words_of(Segments segments) {
  return segments.size() / 2 + 1;
}

// The words of a message in stream framing: its segment table and its segments.
size_t framed_words(Segments segments) {
  size_t total = table_words_of(segments);
  for (const auto& segment : segments) total += segment.size();
  return total;
}

// Writes a message in stream framing (framed_words(segments) words at `out`).
void write_framed(Segments segments, capnp::word* out) {
  const size_t table_words = table_words_of(segments);
  auto* table = reinterpret_cast<uint32_t*>(out);
  table[0] = static_cast<uint32_t>(segments.size() - 1);
  for (size_t i = 0; i < segments.size(); ++i) table[i + 1] = static_cast<uint32_t>(segments[i].size());
  if (segments.size() % 2 == 0) table[segments.size() + 1] = 0;
  capnp::word* cursor = out + table_words;
  for (const auto& segment : segments) {
    std::memcpy(cursor, segment.begin(), segment.size() * sizeof(capnp::word));
    cursor += segment.size();
  }
}

}  // namespace

// The builder of an outgoing envelope. Its first segment is lent (the pooled scratch words, right after one
// word kept free for the stream framing's segment table, so a single-segment envelope is framed where it was
// built: one copy to send or keep); further segments come zeroed from the heap and go with the builder. Unlike
// MallocMessageBuilder it does not zero the lent segment when it is done: the pool does, without asking the
// builder how much it used.
class ScratchBuilder final : public capnp::MessageBuilder {
 public:
  // `first`: `first_words` zeroed words (nullptr: every segment from the heap, the first of `first_words`).
  ScratchBuilder(capnp::word* first, size_t first_words) : first_(first), next_words_(first_words) {}
  ~ScratchBuilder() noexcept(false) override {
    for (void* segment : more_) std::free(segment);
  }

  // Whether every segment so far is the lent one (or none was asked for).
  bool within_first() const { return more_.empty(); }

  kj::ArrayPtr<capnp::word> allocateSegment(unsigned minimum) override {
    if (first_ != nullptr && minimum <= next_words_) {
      capnp::word* lent = std::exchange(first_, nullptr);
      return kj::arrayPtr(lent, next_words_);
    }
    first_ = nullptr;
    // Grow as MallocMessageBuilder does: each segment at least as big as all before it.
    const size_t words = std::max<size_t>(minimum, next_words_);
    void* segment = std::calloc(words, sizeof(capnp::word));
    if (segment == nullptr) throw std::bad_alloc();
    more_.push_back(segment);
    next_words_ = std::min<size_t>(words * 2, capnp::MAX_SEGMENT_WORDS);
    return kj::arrayPtr(static_cast<capnp::word*>(segment), words);
  }

 private:
  capnp::word* first_;
  size_t next_words_;
  std::vector<void*> more_;
};

struct PooledBuilder {
  PooledBuilder() { std::memset(framed, 0, sizeof framed); }
  // framed[0]: the segment table of a single-segment envelope; the rest: the first segment, all zero while the
  // builder is unused.
  alignas(capnp::word) capnp::word framed[1 + k_first_segment_words];
  capnp::word* segment() { return framed + 1; }
  std::optional<ScratchBuilder> builder;
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
  builder->builder.reset();
  if (builder->pooled && current_pool && current_pool->free.size() < k_pool_max) {
    // Zeroing all of it costs less than finding out how much was used.
    std::memset(builder->segment(), 0, k_first_segment_words * sizeof(capnp::word));
    current_pool->free.push_back(builder);
  } else {
    delete builder;
  }
}

BuilderPtr make_builder(size_t first_segment_words) {
  if (first_segment_words > k_first_segment_words) {
    BuilderPtr big(new PooledBuilder());
    big->pooled = false;
    big->builder.emplace(nullptr, first_segment_words);
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
  builder->builder.emplace(builder->segment(), k_first_segment_words);
  return builder;
}

capnp::MessageBuilder& message_builder(PooledBuilder& builder) {
  return *builder.builder;
}

namespace {

// The envelope framed: where it was built when it is one segment in the scratch words (the table is written
// into the word before them), else nullptr (write_framed it from `segments`).
const capnp::word* framed_in_place(PooledBuilder& builder, Segments segments) {
  if (segments.size() != 1 || segments[0].begin() != builder.segment()) return nullptr;
  auto* table = reinterpret_cast<uint32_t*>(builder.framed);
  table[0] = 0;
  table[1] = static_cast<uint32_t>(segments[0].size());
  return builder.framed;
}

class BuiltMessage final : public Message {
 public:
  explicit BuiltMessage(BuilderPtr builder) : builder_(std::move(builder)) {
    envelope_ = builder_->builder->getRoot<proto::Envelope>().asReader();
    cache_fields();
  }

 private:
  BuilderPtr builder_;
};

// Reads a single-segment envelope whose framing was already checked: the segment is the words after the
// one-word table (FlatArrayMessageReader would parse the table again).
class SegmentReader final : public capnp::MessageReader {
 public:
  SegmentReader(kj::ArrayPtr<const capnp::word> segment, capnp::ReaderOptions options)
      : capnp::MessageReader(options), segment_(segment) {}
  kj::ArrayPtr<const capnp::word> getSegment(unsigned id) override {
    return id == 0 ? segment_ : kj::ArrayPtr<const capnp::word>();
  }

 private:
  kj::ArrayPtr<const capnp::word> segment_;
};

// The envelope's Text and Data fields by their index in its pointer section, from the schema (once).
struct BlobSlots {
  unsigned method, sender, error_message, topic;
};
const BlobSlots& blob_slots() {
  static const BlobSlots slots = [] {
    const auto schema = capnp::Schema::from<proto::Envelope>();
    auto slot = [&schema](kj::StringPtr name) { return schema.getFieldByName(name).getProto().getSlot().getOffset(); };
    return BlobSlots{slot("method"), slot("sender"), slot("errorMessage"), slot("topic")};
  }();
  return slots;
}

enum class BlobKind { text, data };

// Reads a Text or Data pointer of a single-segment envelope by hand, with the checks Cap'n Proto's reader makes
// (a byte list, inside the segment, text ending in its NUL), when it is in the form every builder writes: null,
// or a list pointer straight to the bytes. Anything else (a far pointer, a wrong kind or element size, out of
// bounds, text without its NUL) gives nullopt, and Cap'n Proto's own reader decides and names the error.
// `pointer` is nullptr for a field past the end of the pointer section (it reads as null).
std::optional<std::string_view> read_blob(const capnp::word* pointer, kj::ArrayPtr<const capnp::word> segment,
                                          BlobKind kind) {
  if (pointer == nullptr) return std::string_view();
  uint64_t bits = 0;
  std::memcpy(&bits, pointer, sizeof bits);
  if (bits == 0) return std::string_view();
  const auto low = static_cast<uint32_t>(bits), high = static_cast<uint32_t>(bits >> 32);
  constexpr uint32_t k_list_pointer = 1, k_byte_elements = 2;
  if ((low & 3) != k_list_pointer || (high & 7) != k_byte_elements) return std::nullopt;
  const int64_t offset = static_cast<int32_t>(low) >> 2;  // words from the end of the pointer, signed
  const uint64_t bytes = high >> 3;
  const int64_t start = (pointer - segment.begin()) + 1 + offset;
  const auto words = static_cast<int64_t>((bytes + sizeof(capnp::word) - 1) / sizeof(capnp::word));
  if (start < 0 || start + words > static_cast<int64_t>(segment.size())) return std::nullopt;
  const char* at = reinterpret_cast<const char*>(segment.begin() + start);
  if (kind == BlobKind::data) return std::string_view(at, bytes);
  if (bytes == 0 || at[bytes - 1] != '\0') return std::nullopt;
  return std::string_view(at, bytes - 1);
}

// A received envelope: checks and reads it from words (its framing already checked to fit) that live as long
// as the message.
class DecodedMessage : public Message {
 public:
  // Cap'n Proto's reader destructor is noexcept(false); Message's is noexcept, and a reader that is done
  // reading never throws on destruction.
  ~DecodedMessage() noexcept override { reader_.emplace<std::monostate>(); }

 protected:
  Status read(kj::ArrayPtr<const capnp::word> words) {
    capnp::ReaderOptions options;
    // Cap'n Proto's default (8 Mi words) bounds amplification; handlers may read fields many times.
    options.nestingLimit = k_max_nesting;
    try {
      uint32_t segments_less_one = 0;
      std::memcpy(&segments_less_one, words.begin(), sizeof segments_less_one);
      const Kind kind = [&] {
        if (segments_less_one == 0) {
          envelope_ = reader_.emplace<SegmentReader>(words.slice(1, words.size()), options).getRoot<proto::Envelope>();
        } else {
          envelope_ = reader_.emplace<capnp::FlatArrayMessageReader>(words, options).getRoot<proto::Envelope>();
        }
        return envelope_.getKind();
      }();
      if (envelope_.getVersion() == 0) return Status(ErrorCode::bad_envelope, "protocol version 0");
      // Touch every pointer field the bus reads for this kind once: a malformed one throws here, never later.
      if (segments_less_one != 0 || !read_blobs(words.slice(1, words.size()), kind)) {
        cache_fields();  // method and sender
        if (kind == Kind::ERROR) (void)envelope_.getErrorMessage();
        if (has_topic(kind)) (void)envelope_.getTopic();
      }
      if (sender_.size() != 0 && sender_.size() != 16) {
        return Status(ErrorCode::bad_envelope, "sender id must be 16 bytes");
      }
    } catch (const kj::Exception& e) {
      return Status(ErrorCode::bad_envelope, std::string("envelope did not decode: ") + e.getDescription().cStr());
    }
    return Status();
  }

 private:
  static bool has_topic(Kind kind) {
    return kind == Kind::SUBSCRIBE || kind == Kind::UNSUBSCRIBE || kind == Kind::CREDIT || kind == Kind::EVENT;
  }

  // The fields cache_fields() reads, and the others `kind` needs checked, read by hand from the single segment
  // (a handful of instructions each, against a hundred or so through Cap'n Proto's reader). False if one is not
  // in the form read_blob() reads: Cap'n Proto's reader then reads them all.
  bool read_blobs(kj::ArrayPtr<const capnp::word> segment, Kind kind) {
    const BlobSlots& slots = blob_slots();
    const capnp::AnyStruct::Reader root(envelope_);
    // The root struct as Cap'n Proto checked it: its pointer section follows its data section (whole words).
    const kj::ArrayPtr<const capnp::byte> data = root.getDataSection();
    if (data.size() % sizeof(capnp::word) != 0) return false;
    const auto* pointers = reinterpret_cast<const capnp::word*>(data.end());
    const unsigned count = root.getPointerSection().size();
    auto at = [pointers, count](unsigned slot) { return slot < count ? pointers + slot : nullptr; };
    const auto method = read_blob(at(slots.method), segment, BlobKind::text);
    const auto sender = read_blob(at(slots.sender), segment, BlobKind::data);
    if (!method || !sender) return false;
    if (kind == Kind::ERROR && !read_blob(at(slots.error_message), segment, BlobKind::text)) return false;
    if (has_topic(kind) && !read_blob(at(slots.topic), segment, BlobKind::text)) return false;
    method_ = *method;
    sender_ = *sender;
    return true;
  }

  // One reader (a single segment's, or the stream framing's for several), in place: no allocation.
  std::variant<std::monostate, SegmentReader, capnp::FlatArrayMessageReader> reader_;
};

// A small envelope, copied into the message: aligned, and the frame's buffer is not kept. Sized by class (up to
// `Words` words), so that a typical envelope of some 35 words does not take the largest.
template <size_t Words>
class InlineFrameMessage final : public DecodedMessage {
 public:
  Status init(const unsigned char* data, size_t size) {
    std::memcpy(words_, data, size);
    return read(kj::arrayPtr(static_cast<const capnp::word*>(words_), size / sizeof(capnp::word)));
  }

 private:
  alignas(capnp::word) capnp::word words_[Words];
};
static_assert(k_inline_frame_words > 48);

template <size_t Words>
Result<MessagePtr> copy_out(const unsigned char* at, size_t bytes) {
  using Inline = InlineFrameMessage<Words>;
  auto message = std::allocate_shared<Inline>(PoolAllocator<Inline>());
  Status status = message->init(at, bytes);
  if (!status.ok()) return Result<MessagePtr>(std::move(status));
  return Result<MessagePtr>(MessagePtr(std::move(message)));
}

}  // namespace

// A big received frame (or its aligned copy), shared by the big envelopes read from it.
struct FrameReader::Storage {
  zmq::message_t frame;
  kj::Array<capnp::word> aligned;
};

namespace {

class FrameMessage final : public DecodedMessage {
 public:
  explicit FrameMessage(std::shared_ptr<const void> storage) : storage_(std::move(storage)) {}
  Status init(const capnp::word* words, size_t count) { return read(kj::arrayPtr(words, count)); }

 private:
  std::shared_ptr<const void> storage_;
};

// At most this many segments per envelope (Cap'n Proto's own stream reader allows 512).
constexpr uint64_t k_max_segments = 512;

}  // namespace

Outgoing::Outgoing(Kind kind) : builder_(make_builder()), envelope_(builder_->builder->initRoot<proto::Envelope>()) {
  envelope_.setVersion(proto::PROTOCOL_VERSION);
  envelope_.setKind(kind);
}

bool Outgoing::bigger_than(size_t words) const {
  if (builder_->pooled && builder_->builder->within_first() && words > k_first_segment_words) return false;
  return size_words() > words;
}

size_t Outgoing::size_words() const {
  return capnp::computeSerializedSizeInWords(*builder_->builder);
}

zmq::message_t Outgoing::to_frame() const {
  auto segments = builder_->builder->getSegmentsForOutput();
  if (const capnp::word* framed = framed_in_place(*builder_, segments)) {
    return zmq::message_t(framed, (segments[0].size() + 1) * sizeof(capnp::word));
  }
  zmq::message_t frame(framed_words(segments) * sizeof(capnp::word));
  write_framed(segments, static_cast<capnp::word*>(frame.data()));
  return frame;
}

Outgoing Outgoing::copy_of(proto::Envelope::Reader envelope) {
  Outgoing copy;
  const size_t words = envelope.totalSize().wordCount + 1;
  copy.builder_ = make_builder(words);
  copy.builder_->builder->setRoot(envelope);
  copy.envelope_ = copy.builder_->builder->getRoot<proto::Envelope>();
  return copy;
}

namespace {

// Size classes of encoded envelopes up to k_first_segment_words (plus the segment table): 128-byte steps.
constexpr size_t k_encoded_step_words = 16;
constexpr size_t k_encoded_classes = 5;  // up to 80 words

size_t encoded_class(size_t words) {
  return (words + k_encoded_step_words - 1) / k_encoded_step_words;  // 1 .. k_encoded_classes when pooled
}

template <size_t Class>
using EncodedPool = BlockPool<Class * k_encoded_step_words * sizeof(capnp::word)>;

void* allocate_encoded(size_t words) {
  switch (encoded_class(words)) {
    case 0:
    case 1:
      return EncodedPool<1>::allocate();
    case 2:
      return EncodedPool<2>::allocate();
    case 3:
      return EncodedPool<3>::allocate();
    case 4:
      return EncodedPool<4>::allocate();
    case 5:
      return EncodedPool<5>::allocate();
    default:
      return ::operator new(words * sizeof(capnp::word));
  }
}

void free_encoded(void* data, size_t words) noexcept {
  switch (encoded_class(words)) {
    case 0:
    case 1:
      return EncodedPool<1>::deallocate(data);
    case 2:
      return EncodedPool<2>::deallocate(data);
    case 3:
      return EncodedPool<3>::deallocate(data);
    case 4:
      return EncodedPool<4>::deallocate(data);
    case 5:
      return EncodedPool<5>::deallocate(data);
    default:
      ::operator delete(data);
  }
}
static_assert(k_encoded_classes * k_encoded_step_words >= k_first_segment_words + 1);

}  // namespace

EncodedEnvelope::EncodedEnvelope(size_t words)
    : data_(static_cast<capnp::word*>(allocate_encoded(words))), words_(words) {}

EncodedEnvelope& EncodedEnvelope::operator=(EncodedEnvelope&& other) noexcept {
  if (this != &other) {
    if (data_) free_encoded(data_, words_);
    data_ = std::exchange(other.data_, nullptr);
    words_ = std::exchange(other.words_, 0);
  }
  return *this;
}

EncodedEnvelope::~EncodedEnvelope() {
  if (data_) free_encoded(data_, words_);
}

size_t EncodedEnvelope::bytes() const {
  const size_t words =
      encoded_class(words_) <= k_encoded_classes ? encoded_class(words_) * k_encoded_step_words : words_;
  return words * sizeof(capnp::word);
}

Outgoing EncodedEnvelope::decode() const {
  capnp::FlatArrayMessageReader reader(words());
  return Outgoing::copy_of(reader.getRoot<proto::Envelope>());
}

EncodedEnvelope Outgoing::encode() const {
  auto segments = builder_->builder->getSegmentsForOutput();
  if (const capnp::word* framed = framed_in_place(*builder_, segments)) {
    EncodedEnvelope encoded(segments[0].size() + 1);
    std::memcpy(encoded.data_, framed, encoded.words_ * sizeof(capnp::word));
    return encoded;
  }
  EncodedEnvelope encoded(framed_words(segments));
  write_framed(segments, encoded.data_);
  return encoded;
}

MessagePtr Outgoing::to_message() && {
  return std::allocate_shared<BuiltMessage>(PoolAllocator<BuiltMessage>(), std::move(builder_));
}

void Outgoing::append_to(FrameBatch& batch) const {
  auto segments = builder_->builder->getSegmentsForOutput();
  if (const capnp::word* framed = framed_in_place(*builder_, segments)) {
    const size_t words = segments[0].size() + 1;
    std::memcpy(batch.extend(words), framed, words * sizeof(capnp::word));
  } else {
    write_framed(segments, batch.extend(framed_words(segments)));
  }
  ++batch.count_;
}

FrameBatch::FrameBatch(FrameBatch&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      words_(std::exchange(other.words_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      count_(std::exchange(other.count_, 0)) {}

FrameBatch& FrameBatch::operator=(FrameBatch&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    words_ = std::exchange(other.words_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    count_ = std::exchange(other.count_, 0);
  }
  return *this;
}

FrameBatch::~FrameBatch() {
  std::free(data_);
}

capnp::word* FrameBatch::extend(size_t words) {
  if (words_ + words > capacity_) {
    const size_t capacity = std::max({capacity_ * 2, words_ + words, k_batch_initial_words});
    auto* grown = static_cast<capnp::word*>(std::malloc(capacity * sizeof(capnp::word)));
    if (!grown) throw std::bad_alloc();
    if (words_ != 0) std::memcpy(grown, data_, words_ * sizeof(capnp::word));
    std::free(data_);
    data_ = grown;
    capacity_ = capacity;
  }
  capnp::word* at = data_ + words_;
  words_ += words;
  return at;
}

zmq::message_t FrameBatch::take() {
  zmq::message_t frame(data_, words_ * sizeof(capnp::word));
  clear();
  if (capacity_ > k_batch_keep_words) {  // a burst grew it: do not hold on to that much
    std::free(data_);
    data_ = nullptr;
    capacity_ = 0;
  }
  return frame;
}

FrameReader::FrameReader(zmq::message_t&& frame) {
  const size_t size = frame.size();
  if (size == 0 || size % sizeof(capnp::word) != 0) {
    error_ = Status(ErrorCode::bad_envelope, "frame size " + std::to_string(size) + " is not whole words");
    return;
  }
  if (size > k_max_frame_bytes) {
    error_ = Status(ErrorCode::bad_envelope, "frame larger than 64 MiB");
    return;
  }
  words_ = size / sizeof(capnp::word);
  if (size <= k_inline_frame_words * sizeof(capnp::word)) {
    // Every envelope in it is small and copied out; ZeroMQ may keep such a frame unaligned, which is fine.
    frame_ = std::move(frame);
    bytes_ = static_cast<const unsigned char*>(frame_.data());
    return;
  }
  storage_ = std::allocate_shared<Storage>(PoolAllocator<Storage>());
  storage_->frame = std::move(frame);
  const void* data = storage_->frame.data();
  if (reinterpret_cast<uintptr_t>(data) % alignof(capnp::word) != 0) {
    storage_->aligned = kj::heapArray<capnp::word>(words_);
    std::memcpy(storage_->aligned.begin(), data, size);
    data = storage_->aligned.begin();
  }
  bytes_ = static_cast<const unsigned char*>(data);
}

FrameReader::~FrameReader() = default;

std::optional<Result<MessagePtr>> FrameReader::next() {
  if (done_) return std::nullopt;
  if (error_) {
    done_ = true;
    return Result<MessagePtr>(*error_);
  }
  if (offset_ >= words_) {
    done_ = true;
    return std::nullopt;
  }
  const size_t remaining = words_ - offset_;
  const unsigned char* at = bytes_ + offset_ * sizeof(capnp::word);
  auto framing_error = [this](const std::string& what) {
    done_ = true;
    return Result<MessagePtr>(
        Status(ErrorCode::bad_envelope, "envelope at word " + std::to_string(offset_) + ": " + what));
  };
  uint32_t field = 0;
  std::memcpy(&field, at, sizeof field);
  const uint64_t segments = uint64_t{field} + 1;
  if (segments > k_max_segments) return framing_error(std::to_string(segments) + " segments");
  const size_t table_words = static_cast<size_t>(segments / 2 + 1);
  if (table_words > remaining) return framing_error("segment table cut short");
  uint64_t total = table_words;
  for (uint64_t i = 0; i < segments; ++i) {
    std::memcpy(&field, at + sizeof field * (i + 1), sizeof field);
    total += field;
  }
  if (total > remaining) {
    return framing_error("claims " + std::to_string(total) + " words, " + std::to_string(remaining) + " left");
  }
  offset_ += static_cast<size_t>(total);
  const size_t bytes = static_cast<size_t>(total) * sizeof(capnp::word);
  if (bytes <= 32 * sizeof(capnp::word)) return copy_out<32>(at, bytes);
  if (bytes <= 48 * sizeof(capnp::word)) return copy_out<48>(at, bytes);
  if (bytes <= k_inline_frame_words * sizeof(capnp::word)) return copy_out<k_inline_frame_words>(at, bytes);
  auto message = std::allocate_shared<FrameMessage>(PoolAllocator<FrameMessage>(), storage_);
  Status status = message->init(reinterpret_cast<const capnp::word*>(at), static_cast<size_t>(total));
  if (!status.ok()) return Result<MessagePtr>(std::move(status));
  return Result<MessagePtr>(MessagePtr(std::move(message)));
}

Result<MessagePtr> decode_frame(zmq::message_t&& frame) {
  FrameReader reader(std::move(frame));
  auto first = reader.next();
  if (!first) return Status(ErrorCode::bad_envelope, "empty frame");
  if (first->ok() && reader.next()) return Status(ErrorCode::bad_envelope, "more than one envelope in the frame");
  return std::move(*first);
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
