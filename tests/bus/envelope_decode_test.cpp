// Decoding a received frame (bus/src/wire.hpp): its header, and the envelope fields the bus reads, are checked
// by hand when they are in the form every builder writes, and by Cap'n Proto's reader otherwise. Both ways must
// agree with Cap'n Proto on every input: the same fields when it reads them, an error when it refuses them.
// Checked on hand-made unusual pointers (a far pointer, a wrong element size, out of bounds, text without its
// NUL), on headers of other versions and forms, and on many thousands of frames with random bytes changed.
#include <catch2/catch.hpp>

#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/schema.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include "skymesh/proto/test.capnp.h"
#include "wire.hpp"

using skymesh::bus::Kind;
using skymesh::bus::detail::decode_frame;
namespace proto = skymesh::proto;

namespace {

using Words = std::vector<capnp::word>;

// What Cap'n Proto's own reader makes of a frame of one envelope, read the way the bus reads it.
struct Reading {
  bool ok = false;
  std::string method, sender, error_message, topic;
  uint64_t stream_id = 0, seq = 0;
};

bool has_topic(Kind kind) {
  return kind == Kind::SUBSCRIBE || kind == Kind::UNSUBSCRIBE || kind == Kind::CREDIT || kind == Kind::EVENT;
}

// All of a Text's bytes (it may hold NULs before its last; a conversion through const char* would stop there).
std::string bytes_of(capnp::Text::Reader text) {
  return std::string(text.begin(), text.size());
}

Reading capnp_reading(const Words& words) {
  Reading reading;
  try {
    capnp::ReaderOptions options;
    options.nestingLimit = 64;
    capnp::FlatArrayMessageReader header_reader(kj::arrayPtr(words.data(), words.size()), options);
    auto header = header_reader.getRoot<proto::FrameHeader>();
    if (header.getVersion() != proto::PROTOCOL_VERSION) return reading;
    auto sender = header.getSender();
    reading.sender.assign(reinterpret_cast<const char*>(sender.begin()), sender.size());
    reading.stream_id = header.getStreamId();
    reading.seq = header.getFirstSeq();
    const capnp::word* end = words.data() + words.size();
    if (header_reader.getEnd() == end) return reading;  // no envelope
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(header_reader.getEnd(), end), options);
    auto env = reader.getRoot<proto::Envelope>();
    reading.method = bytes_of(env.getMethod());
    if (env.getKind() == Kind::ERROR) reading.error_message = bytes_of(env.getExtra().getErrorMessage());
    if (has_topic(env.getKind())) reading.topic = bytes_of(env.getExtra().getTopic());
    reading.ok = (reading.sender.empty() || reading.sender.size() == 16) && reader.getEnd() == end;
  } catch (const kj::Exception&) {
    reading.ok = false;
  }
  return reading;
}

Reading bus_reading(const Words& words) {
  Reading reading;
  auto decoded = decode_frame(zmq::message_t(words.data(), words.size() * sizeof(capnp::word)));
  if (!decoded.ok()) {
    CHECK(decoded.status().code() == skymesh::bus::ErrorCode::bad_envelope);
    return reading;
  }
  const auto& message = *decoded.value();
  reading.ok = true;
  reading.method = message.method();
  reading.sender = message.sender();
  reading.stream_id = message.stream_id();
  reading.seq = message.seq();
  // What the bus reads later through Cap'n Proto must not throw once the message decoded.
  auto env = message.envelope();
  CHECK(bytes_of(env.getMethod()) == reading.method);
  if (message.kind() == Kind::ERROR) reading.error_message = bytes_of(env.getExtra().getErrorMessage());
  if (has_topic(message.kind())) reading.topic = bytes_of(env.getExtra().getTopic());
  return reading;
}

void check_agree(const Words& words) {
  const Reading expected = capnp_reading(words);
  const Reading got = bus_reading(words);
  REQUIRE(got.ok == expected.ok);
  if (!got.ok) return;
  CHECK(got.method == expected.method);
  CHECK(got.sender == expected.sender);
  CHECK(got.error_message == expected.error_message);
  CHECK(got.topic == expected.topic);
  CHECK(got.stream_id == expected.stream_id);
  CHECK(got.seq == expected.seq);
}

Words framed(capnp::MessageBuilder& builder) {
  auto flat = capnp::messageToFlatArray(builder);
  return Words(flat.begin(), flat.end());
}

// A frame header as Cap'n Proto's builder writes it.
Words header(size_t sender_bytes, uint16_t version = skymesh::proto::PROTOCOL_VERSION) {
  capnp::MallocMessageBuilder builder;
  auto header = builder.initRoot<proto::FrameHeader>();
  header.setVersion(version);
  header.setStreamId(0x5eed);
  header.setFirstSeq(41);
  std::vector<capnp::byte> sender(sender_bytes);
  for (size_t i = 0; i < sender_bytes; ++i) sender[i] = static_cast<capnp::byte>(i + 1);
  if (sender_bytes > 0) header.setSender(capnp::Data::Reader(sender.data(), sender.size()));
  return framed(builder);
}

Words envelope(Kind kind, const std::string& method, const std::string& text) {
  capnp::MallocMessageBuilder builder;
  auto env = builder.initRoot<proto::Envelope>();
  env.setKind(kind);
  env.setMethod(method);
  if (kind == Kind::ERROR) env.getExtra().setErrorMessage(text);
  if (has_topic(kind)) env.getExtra().setTopic(text);
  env.getPayload().initAs<proto::EchoRequest>().setText("payload");
  return framed(builder);
}

Words frame(const Words& header_words, const Words& envelope_words) {
  Words words = header_words;
  words.insert(words.end(), envelope_words.begin(), envelope_words.end());
  return words;
}

// The word index (in `words`, a message that starts at `first`) of pointer `slot` of its root struct: segment
// table (1 word), root pointer, then the struct where the builder put it, data section first.
size_t pointer_word(const Words& words, unsigned slot, size_t first = 0) {
  uint64_t root = 0;
  std::memcpy(&root, &words[first + 1], sizeof root);
  const auto data_words = static_cast<uint16_t>(root >> 32);
  const auto offset = static_cast<int32_t>(static_cast<uint32_t>(root)) >> 2;
  return static_cast<size_t>(static_cast<int64_t>(first) + 2 + offset + data_words + slot);
}

uint64_t word_at(const Words& words, size_t index) {
  uint64_t value = 0;
  std::memcpy(&value, &words[index], sizeof value);
  return value;
}

void set_word(Words& words, size_t index, uint64_t value) {
  std::memcpy(static_cast<void*>(&words[index]), &value, sizeof value);
}

// The schema's pointer index of an envelope field (method, payload, extra).
unsigned slot_of(const char* field) {
  return capnp::Schema::from<proto::Envelope>().getFieldByName(field).getProto().getSlot().getOffset();
}

}  // namespace

TEST_CASE("frames as builders write them decode to what Cap'n Proto reads") {
  for (Kind kind : {Kind::REQUEST, Kind::REPLY, Kind::ERROR, Kind::EVENT, Kind::SUBSCRIBE, Kind::CREDIT}) {
    for (const std::string method : {"", "a", "echo.echo", "seven77", "eight888", "a.method.name.longer.than.a.word"}) {
      for (size_t sender : {0, 16}) {
        const Words words = frame(header(sender), envelope(kind, method, "some text"));
        check_agree(words);
        auto decoded = decode_frame(zmq::message_t(words.data(), words.size() * sizeof(capnp::word)));
        REQUIRE(decoded.ok());
        CHECK(decoded.value()->method() == method);
        CHECK(decoded.value()->sender().size() == sender);
        CHECK(decoded.value()->seq() == 41);
      }
    }
  }
}

TEST_CASE("the bus's own frame header is what Cap'n Proto's builder writes") {
  for (size_t sender : {0, 16}) {
    const std::string id(16, '\x2a');
    skymesh::bus::detail::FrameStamp stamp{0x1234567890abcdefull, 77, std::string_view(id.data(), sender), 99};
    Words ours(skymesh::bus::detail::k_max_header_words);
    ours.resize(skymesh::bus::detail::write_frame_header(stamp, ours.data()));
    capnp::MallocMessageBuilder builder;
    auto built = builder.initRoot<proto::FrameHeader>();
    built.setVersion(proto::PROTOCOL_VERSION);
    built.setStreamId(stamp.stream_id);
    built.setFirstSeq(stamp.first_seq);
    built.setDoneBelow(stamp.done_below);
    if (sender > 0) built.setSender(capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(id.data()), 16));
    const Words theirs = framed(builder);
    REQUIRE(ours.size() == theirs.size());
    CHECK(std::memcmp(ours.data(), theirs.data(), ours.size() * sizeof(capnp::word)) == 0);
  }
}

TEST_CASE("a header of another version, with a sender id of another length, or with nothing after it is refused") {
  for (uint16_t version : {0, 1, 3, 0xffff}) {
    const Words words = frame(header(16, version), envelope(Kind::REQUEST, "echo.echo", ""));
    CHECK_FALSE(bus_reading(words).ok);
  }
  for (size_t sender : {1, 8, 15, 17, 32}) {
    const Words words = frame(header(sender), envelope(Kind::REQUEST, "echo.echo", ""));
    CHECK_FALSE(capnp_reading(words).ok);
    CHECK_FALSE(bus_reading(words).ok);
  }
  CHECK_FALSE(bus_reading(header(16)).ok);
}

TEST_CASE("a header with a shorter data section, as an older writer's, reads its missing fields as zero") {
  // Root: a struct of 2 data words (version, streamId) and 1 pointer (sender), then the 16 sender bytes.
  Words head(7);
  set_word(head, 0, uint64_t{6} << 32);  // one segment of 6 words
  set_word(head, 1, (uint64_t{2} << 32) | (uint64_t{1} << 48));
  set_word(head, 2, proto::PROTOCOL_VERSION);
  set_word(head, 3, 7);
  set_word(head, 4, 1 | (uint64_t{2} << 32) | (uint64_t{16} << 35));
  set_word(head, 5, 0x0101010101010101ull);
  set_word(head, 6, 0x0202020202020202ull);
  const Words words = frame(head, envelope(Kind::REQUEST, "echo.echo", ""));
  REQUIRE(capnp_reading(words).ok);
  check_agree(words);
  const Reading got = bus_reading(words);
  CHECK(got.stream_id == 7);
  CHECK(got.seq == 0);
  CHECK(got.sender.size() == 16);
}

TEST_CASE("a method reached through a far pointer decodes as Cap'n Proto reads it") {
  const Words head = header(16);
  Words env = envelope(Kind::REQUEST, "echo.echo", "");
  const size_t at = pointer_word(env, slot_of("method"));
  const uint64_t list = word_at(env, at);
  const auto target = static_cast<int64_t>(at) + 1 + (static_cast<int32_t>(static_cast<uint32_t>(list)) >> 2);
  // A landing pad at the end of the segment: the same list pointer, its offset now counted from the pad.
  const size_t pad = env.size();
  const int64_t pad_offset = target - static_cast<int64_t>(pad) - 1;
  const uint64_t pad_pointer =
      (list & 0xffffffff00000000ull) | (static_cast<uint32_t>(static_cast<int32_t>(pad_offset) * 4) & ~3u) | 1u;
  env.push_back(capnp::word());
  set_word(env, pad, pad_pointer);
  // The pad's word index within the segment (the message's word 0 is the segment table).
  const auto pad_in_segment = static_cast<uint32_t>(pad - 1);
  set_word(env, at, (uint64_t{0} << 32) | (pad_in_segment << 3) | 2u);
  uint32_t table[2];
  std::memcpy(table, &env[0], sizeof table);
  table[1] += 1;
  std::memcpy(static_cast<void*>(&env[0]), table, sizeof table);

  const Words words = frame(head, env);
  REQUIRE(capnp_reading(words).ok);
  check_agree(words);
  auto decoded = decode_frame(zmq::message_t(words.data(), words.size() * sizeof(capnp::word)));
  REQUIRE(decoded.ok());
  CHECK(decoded.value()->method() == "echo.echo");
}

TEST_CASE("malformed text and data pointers are refused as Cap'n Proto refuses them") {
  const Words head = header(16);
  const Words good = frame(head, envelope(Kind::ERROR, "echo.echo", "why it failed"));
  const size_t method = pointer_word(good, slot_of("method"), head.size());
  const size_t sender = pointer_word(good, 0);  // the header's only pointer

  SECTION("text past the end of the segment") {
    Words words = good;
    set_word(words, method, word_at(words, method) + (uint64_t{4096} << 2));
    check_agree(words);
    CHECK_FALSE(bus_reading(words).ok);
  }
  SECTION("text before the start of the segment") {
    Words words = good;
    set_word(words, method, (word_at(words, method) & 0xffffffff00000000ull) | (static_cast<uint32_t>(-400 * 4) | 1u));
    check_agree(words);
    CHECK_FALSE(bus_reading(words).ok);
  }
  SECTION("text without its NUL") {
    Words words = good;
    // One byte shorter: the last byte counted is the method's last letter.
    set_word(words, method, word_at(words, method) - (uint64_t{1} << 35));
    check_agree(words);
    CHECK_FALSE(bus_reading(words).ok);
  }
  SECTION("a list of words where bytes are expected") {
    Words words = good;
    set_word(words, sender, (word_at(words, sender) & ~(uint64_t{7} << 32)) | (uint64_t{5} << 32));
    check_agree(words);
  }
  SECTION("a struct pointer where text is expected") {
    Words words = good;
    set_word(words, method, word_at(words, method) & ~uint64_t{3});
    check_agree(words);
    CHECK_FALSE(bus_reading(words).ok);
  }
  SECTION("a length that overflows when rounded to words") {
    Words words = good;
    set_word(words, sender, (word_at(words, sender) & 0x00000007ffffffffull) | (uint64_t{0x1fffffff} << 35));
    check_agree(words);
    CHECK_FALSE(bus_reading(words).ok);
  }
}

TEST_CASE("frames with random bytes changed decode exactly when Cap'n Proto reads them") {
  std::mt19937_64 random(20261207);
  std::vector<std::pair<Words, size_t>> seeds;  // a frame, and the word where its envelope starts
  for (Kind kind : {Kind::REQUEST, Kind::REPLY, Kind::ERROR, Kind::EVENT}) {
    const Words head = header(kind == Kind::REQUEST ? 16 : 0);
    seeds.emplace_back(frame(head, envelope(kind, "echo.echo", "a topic or an error")), head.size());
  }
  size_t decoded = 0, refused = 0;
  for (int round = 0; round < 20000; ++round) {
    const auto& [seed, envelope_at] = seeds[static_cast<size_t>(round) % seeds.size()];
    Words words = seed;
    auto* bytes = reinterpret_cast<unsigned char*>(words.data());
    const int changes = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < changes; ++i) {
      // Never a segment table (each message's word 0): its framing is FrameReader's, checked before any of this.
      size_t at = 0;
      do {
        at = random() % (words.size() * sizeof(capnp::word));
      } while (at / sizeof(capnp::word) == 0 || at / sizeof(capnp::word) == envelope_at);
      bytes[at] = static_cast<unsigned char>(random() % 4 == 0 ? random() : bytes[at] ^ (1u << (random() % 8)));
    }
    const Reading expected = capnp_reading(words);
    check_agree(words);
    (expected.ok ? decoded : refused) += 1;
  }
  // Both outcomes were exercised many times.
  CHECK(decoded > 1000);
  CHECK(refused > 1000);
}
