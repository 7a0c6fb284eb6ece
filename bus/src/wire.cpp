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

// The frame header's layout (proto::FrameHeader as Cap'n Proto lays it out): a struct of 4 data words (version
// in the first word's low 16 bits, then streamId, firstSeq, doneBelow) and 1 pointer (sender).
constexpr uint64_t k_header_data_words = 4, k_header_pointers = 1;
constexpr uint64_t k_header_root = (k_header_data_words << 32) | (k_header_pointers << 48);  // struct, offset 0
// A list pointer to the 16 bytes right after it (offset 0, element size byte, 16 elements).
constexpr uint64_t k_sender_pointer = 1 | (uint64_t{2} << 32) | (uint64_t{16} << 35);

void put_word(capnp::word* at, uint64_t value) {
  std::memcpy(static_cast<void*>(at), &value, sizeof value);
}

}  // namespace

size_t frame_header_words(const FrameStamp& stamp) {
  return stamp.sender.size() == 16 ? 9 : 7;
}

size_t write_frame_header(const FrameStamp& stamp, capnp::word* out) {
  const size_t words = frame_header_words(stamp);
  put_word(out, uint64_t{words - 1} << 32);  // one segment of words - 1 words
  put_word(out + 1, k_header_root);
  put_word(out + 2, proto::PROTOCOL_VERSION);
  put_word(out + 3, stamp.stream_id);
  put_word(out + 4, stamp.first_seq);
  put_word(out + 5, stamp.done_below);
  if (words == 9) {
    put_word(out + 6, k_sender_pointer);
    std::memcpy(out + 7, stamp.sender.data(), 16);
  } else {
    put_word(out + 6, 0);
  }
  return words;
}

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

// The envelope's method field by its index in the pointer section, from the schema (once).
unsigned method_slot() {
  static const unsigned slot =
      capnp::Schema::from<proto::Envelope>().getFieldByName("method").getProto().getSlot().getOffset();
  return slot;
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
      // Touch every pointer field the bus reads for this kind once: a malformed one throws here, never later.
      if (segments_less_one != 0 || !read_method(words.slice(1, words.size()))) cache_fields();
      if (kind == Kind::ERROR) (void)envelope_.getExtra().getErrorMessage();
      if (has_topic(kind)) (void)envelope_.getExtra().getTopic();
    } catch (const kj::Exception& e) {
      return Status(ErrorCode::bad_envelope, std::string("envelope did not decode: ") + e.getDescription().cStr());
    }
    return Status();
  }

 public:
  // What the frame's header says of this envelope.
  void stamp(const FrameStamp& header, uint64_t seq) {
    stream_id_ = header.stream_id;
    seq_ = seq;
    if (header.sender.size() == sender_.size()) {
      std::memcpy(sender_.data(), header.sender.data(), sender_.size());
      sender_size_ = static_cast<uint8_t>(sender_.size());
    }
  }

 private:
  static bool has_topic(Kind kind) {
    return kind == Kind::SUBSCRIBE || kind == Kind::UNSUBSCRIBE || kind == Kind::CREDIT || kind == Kind::EVENT;
  }

  // The method, read by hand from the single segment (a handful of instructions, against a hundred or so through
  // Cap'n Proto's reader). False if it is not in the form read_blob() reads: Cap'n Proto's reader then reads it.
  bool read_method(kj::ArrayPtr<const capnp::word> segment) {
    const capnp::AnyStruct::Reader root(envelope_);
    // The root struct as Cap'n Proto checked it: its pointer section follows its data section (whole words).
    const kj::ArrayPtr<const capnp::byte> data = root.getDataSection();
    if (data.size() % sizeof(capnp::word) != 0) return false;
    const auto* pointers = reinterpret_cast<const capnp::word*>(data.end());
    const unsigned slot = method_slot();
    const auto method =
        read_blob(slot < root.getPointerSection().size() ? pointers + slot : nullptr, segment, BlobKind::text);
    if (!method) return false;
    method_ = *method;
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
Result<MessagePtr> copy_out(const unsigned char* at, size_t bytes, const FrameStamp& header, uint64_t seq) {
  using Inline = InlineFrameMessage<Words>;
  auto message = std::allocate_shared<Inline>(PoolAllocator<Inline>());
  Status status = message->init(at, bytes);
  if (!status.ok()) return Result<MessagePtr>(std::move(status));
  message->stamp(header, seq);
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
  envelope_.setKind(kind);
}

bool Outgoing::bigger_than(size_t words) const {
  if (builder_->pooled && builder_->builder->within_first() && words > k_first_segment_words) return false;
  return size_words() > words;
}

size_t Outgoing::size_words() const {
  return capnp::computeSerializedSizeInWords(*builder_->builder);
}

zmq::message_t Outgoing::to_frame(const FrameStamp& stamp) const {
  auto segments = builder_->builder->getSegmentsForOutput();
  const capnp::word* framed = framed_in_place(*builder_, segments);
  const size_t body_words = framed ? segments[0].size() + 1 : framed_words(segments);
  const size_t header_words = frame_header_words(stamp);
  // ZeroMQ's buffer of a small message may not be word-aligned: the header goes through an aligned copy.
  capnp::word header[k_max_header_words];
  write_frame_header(stamp, header);
  zmq::message_t frame((header_words + body_words) * sizeof(capnp::word));
  auto* out = static_cast<unsigned char*>(frame.data());
  std::memcpy(out, header, header_words * sizeof(capnp::word));
  out += header_words * sizeof(capnp::word);
  if (framed) {
    std::memcpy(out, framed, body_words * sizeof(capnp::word));
  } else if (reinterpret_cast<uintptr_t>(out) % alignof(capnp::word) == 0) {
    write_framed(segments, reinterpret_cast<capnp::word*>(out));
  } else {
    auto aligned = kj::heapArray<capnp::word>(body_words);
    write_framed(segments, aligned.begin());
    std::memcpy(out, aligned.begin(), body_words * sizeof(capnp::word));
  }
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

void Outgoing::append_to(FrameBatch& batch, uint64_t seq) const {
  if (batch.count_ == 0) batch.first_seq_ = seq;
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
      count_(std::exchange(other.count_, 0)),
      first_seq_(std::exchange(other.first_seq_, 0)) {}

FrameBatch& FrameBatch::operator=(FrameBatch&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
    words_ = std::exchange(other.words_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    count_ = std::exchange(other.count_, 0);
    first_seq_ = std::exchange(other.first_seq_, 0);
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

zmq::message_t FrameBatch::take(FrameStamp stamp) {
  stamp.first_seq = first_seq_;
  capnp::word header[k_max_header_words];
  const size_t header_words = write_frame_header(stamp, header);
  zmq::message_t frame((header_words + words_) * sizeof(capnp::word));
  auto* out = static_cast<unsigned char*>(frame.data());
  std::memcpy(out, header, header_words * sizeof(capnp::word));
  std::memcpy(out + header_words * sizeof(capnp::word), data_, words_ * sizeof(capnp::word));
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

namespace {

// A header's segment of at most this many words is read by hand (from an aligned copy); a bigger one (not what
// any builder writes) by Cap'n Proto's reader.
constexpr size_t k_small_header_words = 16;

uint64_t word_at(const unsigned char* bytes, size_t index) {
  uint64_t value = 0;
  std::memcpy(&value, bytes + index * sizeof(capnp::word), sizeof value);
  return value;
}

Status check_version(uint16_t version) {
  if (version == proto::PROTOCOL_VERSION) return Status();
  return Status(ErrorCode::bad_envelope, "protocol version " + std::to_string(version) + " (this node speaks " +
                                             std::to_string(proto::PROTOCOL_VERSION) + ")");
}

// The words of the message in stream framing at `at` (segment table and segments), at most `remaining`; an
// error saying why if its table does not fit, names more than k_max_segments segments, or claims more words.
std::variant<size_t, std::string> framed_size(const unsigned char* at, size_t remaining) {
  uint32_t field = 0;
  std::memcpy(&field, at, sizeof field);
  const uint64_t segments = uint64_t{field} + 1;
  if (segments > k_max_segments) return std::to_string(segments) + " segments";
  const size_t table_words = static_cast<size_t>(segments / 2 + 1);
  if (table_words > remaining) return std::string("segment table cut short");
  uint64_t total = table_words;
  for (uint64_t i = 0; i < segments; ++i) {
    std::memcpy(&field, at + sizeof field * (i + 1), sizeof field);
    total += field;
  }
  if (total > remaining) return "claims " + std::to_string(total) + " words, " + std::to_string(remaining) + " left";
  return static_cast<size_t>(total);
}

}  // namespace

Status FrameReader::take_sender(const void* data, size_t size) {
  if (size == 0) return Status();
  if (size != sender_.size()) {
    return Status(ErrorCode::bad_envelope, "sender id must be 16 bytes, not " + std::to_string(size));
  }
  std::memcpy(sender_.data(), data, sender_.size());
  header_.sender = std::string_view(sender_.data(), sender_.size());
  return Status();
}

Status FrameReader::read_header() {
  const auto size = framed_size(bytes_, words_);
  if (const auto* error = std::get_if<std::string>(&size)) {
    return Status(ErrorCode::bad_envelope, "frame header: " + *error);
  }
  const size_t header_words = std::get<size_t>(size);
  offset_ = header_words;
  const uint64_t table = word_at(bytes_, 0);
  const uint64_t segment_words = table >> 32;
  if (static_cast<uint32_t>(table) != 0 || segment_words == 0 || segment_words > k_small_header_words) {
    return read_header_slowly(header_words);
  }
  // One segment, small: read by hand from an aligned copy, when its root is a struct pointer straight to the
  // word after it and the struct lies inside the segment (else Cap'n Proto's reader decides).
  capnp::word copy[k_small_header_words];
  std::memcpy(copy, bytes_ + sizeof(capnp::word), segment_words * sizeof(capnp::word));
  const auto segment = kj::arrayPtr(static_cast<const capnp::word*>(copy), segment_words);
  const auto* words = reinterpret_cast<const unsigned char*>(copy);
  const uint64_t root = word_at(words, 0);
  const uint64_t data_words = (root >> 32) & 0xffff, pointers = root >> 48;
  if ((root & 0xffffffff) != 0 || 1 + data_words + pointers > segment_words) return read_header_slowly(header_words);
  const auto sender = read_blob(pointers > 0 ? segment.begin() + 1 + data_words : nullptr, segment, BlobKind::data);
  if (!sender) return read_header_slowly(header_words);
  // Fields past the end of a shorter data section (an older writer's) read as zero, as Cap'n Proto reads them.
  auto field = [&](uint64_t index) { return index < data_words ? word_at(words, 1 + index) : 0; };
  if (Status status = check_version(static_cast<uint16_t>(field(0))); !status.ok()) return status;
  header_.stream_id = field(1);
  header_.first_seq = field(2);
  header_.done_below = field(3);
  return take_sender(sender->data(), sender->size());
}

Status FrameReader::read_header_slowly(size_t header_words) {
  // Aligned (a small frame's bytes may not be): the header's words only.
  auto aligned = kj::heapArray<capnp::word>(header_words);
  std::memcpy(aligned.begin(), bytes_, header_words * sizeof(capnp::word));
  try {
    capnp::ReaderOptions options;
    options.nestingLimit = k_max_nesting;
    capnp::FlatArrayMessageReader reader(aligned, options);
    auto header = reader.getRoot<proto::FrameHeader>();
    if (Status status = check_version(header.getVersion()); !status.ok()) return status;
    header_.stream_id = header.getStreamId();
    header_.first_seq = header.getFirstSeq();
    header_.done_below = header.getDoneBelow();
    auto sender = header.getSender();
    return take_sender(sender.begin(), sender.size());
  } catch (const kj::Exception& e) {
    return Status(ErrorCode::bad_envelope, std::string("frame header did not decode: ") + e.getDescription().cStr());
  }
}

std::optional<Result<MessagePtr>> FrameReader::next() {
  if (done_) return std::nullopt;
  if (error_) {
    done_ = true;
    return Result<MessagePtr>(*error_);
  }
  if (!header_read_) {
    header_read_ = true;
    Status status = read_header();
    if (status.ok() && offset_ >= words_) status = Status(ErrorCode::bad_envelope, "frame holds no envelope");
    if (!status.ok()) {
      done_ = true;
      return Result<MessagePtr>(std::move(status));
    }
    next_seq_ = header_.first_seq;
  }
  if (offset_ >= words_) {
    done_ = true;
    return std::nullopt;
  }
  const unsigned char* at = bytes_ + offset_ * sizeof(capnp::word);
  const auto size = framed_size(at, words_ - offset_);
  if (const auto* error = std::get_if<std::string>(&size)) {
    done_ = true;
    return Result<MessagePtr>(
        Status(ErrorCode::bad_envelope, "envelope at word " + std::to_string(offset_) + ": " + *error));
  }
  const size_t total = std::get<size_t>(size);
  offset_ += total;
  const uint64_t seq = next_seq_++;  // counted even if the envelope is refused: the next keeps its number
  const size_t bytes = total * sizeof(capnp::word);
  if (bytes <= 32 * sizeof(capnp::word)) return copy_out<32>(at, bytes, header_, seq);
  if (bytes <= 48 * sizeof(capnp::word)) return copy_out<48>(at, bytes, header_, seq);
  if (bytes <= k_inline_frame_words * sizeof(capnp::word)) {
    return copy_out<k_inline_frame_words>(at, bytes, header_, seq);
  }
  auto message = std::allocate_shared<FrameMessage>(PoolAllocator<FrameMessage>(), storage_);
  Status status = message->init(reinterpret_cast<const capnp::word*>(at), total);
  if (!status.ok()) return Result<MessagePtr>(std::move(status));
  message->stamp(header_, seq);
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
  env.setRequestId(req.getRequestId());
  env.setHandlerId(req.getHandlerId());
  env.setTraceId(req.getTraceId());
  return out;
}

Outgoing make_error(const Message& request, const Status& status) {
  Outgoing out = make_answer(request, Kind::ERROR);
  set_error(out.envelope(), status);
  return out;
}

void set_error(proto::Envelope::Builder envelope, const Status& status) {
  envelope.setKind(Kind::ERROR);
  envelope.setErrorCode(static_cast<uint16_t>(status.code()));
  envelope.getExtra().setErrorMessage(status.message());
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
