// Decoding a received envelope (bus/src/wire.hpp): the Text and Data fields the bus reads are checked by hand
// when they are in the form every builder writes, and by Cap'n Proto's reader otherwise. Both ways must agree
// with Cap'n Proto on every input: the same fields when it reads them, an error when it refuses them. Checked on
// hand-made unusual pointers (a far pointer, a wrong element size, out of bounds, text without its NUL) and on
// many thousands of envelopes with random bytes changed.
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

// What Cap'n Proto's own reader makes of an envelope, read the way the bus reads it.
struct Reading {
  bool ok = false;
  std::string method, sender, error_message, topic;
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
    capnp::FlatArrayMessageReader reader(kj::arrayPtr(words.data(), words.size()), options);
    auto env = reader.getRoot<proto::Envelope>();
    if (env.getVersion() == 0) return reading;
    reading.method = bytes_of(env.getMethod());
    auto sender = env.getSender();
    reading.sender.assign(reinterpret_cast<const char*>(sender.begin()), sender.size());
    if (env.getKind() == Kind::ERROR) reading.error_message = bytes_of(env.getErrorMessage());
    if (has_topic(env.getKind())) reading.topic = bytes_of(env.getTopic());
    reading.ok = reading.sender.empty() || reading.sender.size() == 16;
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
  // What the bus reads later through Cap'n Proto must not throw once the message decoded.
  auto env = message.envelope();
  CHECK(bytes_of(env.getMethod()) == reading.method);
  if (message.kind() == Kind::ERROR) reading.error_message = bytes_of(env.getErrorMessage());
  if (has_topic(message.kind())) reading.topic = bytes_of(env.getTopic());
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
}

Words framed(capnp::MessageBuilder& builder) {
  auto flat = capnp::messageToFlatArray(builder);
  return Words(flat.begin(), flat.end());
}

Words envelope(Kind kind, const std::string& method, size_t sender_bytes, const std::string& text) {
  capnp::MallocMessageBuilder builder;
  auto env = builder.initRoot<proto::Envelope>();
  env.setVersion(proto::PROTOCOL_VERSION);
  env.setKind(kind);
  env.setMethod(method);
  std::vector<capnp::byte> sender(sender_bytes);
  for (size_t i = 0; i < sender_bytes; ++i) sender[i] = static_cast<capnp::byte>(i + 1);
  if (sender_bytes > 0) env.setSender(capnp::Data::Reader(sender.data(), sender.size()));
  if (kind == Kind::ERROR) env.setErrorMessage(text);
  if (has_topic(kind)) env.setTopic(text);
  env.getPayload().initAs<proto::EchoRequest>().setText("payload");
  return framed(builder);
}

// The word index (in the whole frame) of pointer `slot` of the root struct: segment table (1 word), root pointer,
// then the struct where the builder put it (right after the root pointer), data section first.
size_t pointer_word(const Words& words, unsigned slot) {
  uint64_t root = 0;
  std::memcpy(&root, &words[1], sizeof root);
  const auto data_words = static_cast<uint16_t>(root >> 32);
  const auto offset = static_cast<int32_t>(static_cast<uint32_t>(root)) >> 2;
  return static_cast<size_t>(2 + offset + data_words + slot);
}

uint64_t word_at(const Words& words, size_t index) {
  uint64_t value = 0;
  std::memcpy(&value, &words[index], sizeof value);
  return value;
}

void set_word(Words& words, size_t index, uint64_t value) {
  std::memcpy(static_cast<void*>(&words[index]), &value, sizeof value);
}

// The schema's pointer index of a field (method, sender, ...).
unsigned slot_of(const char* field) {
  return capnp::Schema::from<proto::Envelope>().getFieldByName(field).getProto().getSlot().getOffset();
}

}  // namespace

TEST_CASE("envelopes as builders write them decode to what Cap'n Proto reads") {
  for (Kind kind : {Kind::REQUEST, Kind::REPLY, Kind::ERROR, Kind::EVENT, Kind::SUBSCRIBE, Kind::CREDIT}) {
    for (const std::string method : {"", "a", "echo.echo", "seven77", "eight888", "a.method.name.longer.than.a.word"}) {
      for (size_t sender : {0, 16}) {
        const Words words = envelope(kind, method, sender, "some text");
        check_agree(words);
        auto decoded = decode_frame(zmq::message_t(words.data(), words.size() * sizeof(capnp::word)));
        REQUIRE(decoded.ok());
        CHECK(decoded.value()->method() == method);
        CHECK(decoded.value()->sender().size() == sender);
      }
    }
  }
}

TEST_CASE("a sender id of another length than 16 bytes is refused") {
  for (size_t sender : {1, 8, 15, 17, 32}) {
    const Words words = envelope(Kind::REQUEST, "echo.echo", sender, "");
    CHECK_FALSE(capnp_reading(words).ok);
    CHECK_FALSE(bus_reading(words).ok);
  }
}

TEST_CASE("a method reached through a far pointer decodes as Cap'n Proto reads it") {
  Words words = envelope(Kind::REQUEST, "echo.echo", 16, "");
  const size_t at = pointer_word(words, slot_of("method"));
  const uint64_t list = word_at(words, at);
  const auto target = static_cast<int64_t>(at) + 1 + (static_cast<int32_t>(static_cast<uint32_t>(list)) >> 2);
  // A landing pad at the end of the segment: the same list pointer, its offset now counted from the pad.
  const size_t pad = words.size();
  const int64_t pad_offset = target - static_cast<int64_t>(pad) - 1;
  const uint64_t pad_pointer =
      (list & 0xffffffff00000000ull) | (static_cast<uint32_t>(static_cast<int32_t>(pad_offset) * 4) & ~3u) | 1u;
  words.push_back(capnp::word());
  set_word(words, pad, pad_pointer);
  // The pad's word index within the segment (the frame's word 0 is the segment table).
  const auto pad_in_segment = static_cast<uint32_t>(pad - 1);
  set_word(words, at, (uint64_t{0} << 32) | (pad_in_segment << 3) | 2u);
  uint32_t table[2];
  std::memcpy(table, &words[0], sizeof table);
  table[1] += 1;
  std::memcpy(static_cast<void*>(&words[0]), table, sizeof table);

  REQUIRE(capnp_reading(words).ok);
  check_agree(words);
  auto decoded = decode_frame(zmq::message_t(words.data(), words.size() * sizeof(capnp::word)));
  REQUIRE(decoded.ok());
  CHECK(decoded.value()->method() == "echo.echo");
}

TEST_CASE("malformed text and data pointers are refused as Cap'n Proto refuses them") {
  const Words good = envelope(Kind::ERROR, "echo.echo", 16, "why it failed");
  const size_t method = pointer_word(good, slot_of("method"));
  const size_t sender = pointer_word(good, slot_of("sender"));
  const size_t error = pointer_word(good, slot_of("errorMessage"));

  SECTION("text past the end of the segment") {
    Words words = good;
    set_word(words, method, word_at(words, method) + (uint64_t{4096} << 2));
    check_agree(words);
    CHECK_FALSE(bus_reading(words).ok);
  }
  SECTION("text before the start of the segment") {
    Words words = good;
    set_word(words, error, (word_at(words, error) & 0xffffffff00000000ull) | (static_cast<uint32_t>(-400 * 4) | 1u));
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
    set_word(words, error, word_at(words, error) & ~uint64_t{3});
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

TEST_CASE("envelopes with random bytes changed decode exactly when Cap'n Proto reads them") {
  std::mt19937_64 random(20261207);
  std::vector<Words> seeds;
  for (Kind kind : {Kind::REQUEST, Kind::REPLY, Kind::ERROR, Kind::EVENT}) {
    seeds.push_back(envelope(kind, "echo.echo", kind == Kind::REQUEST ? 16 : 0, "a topic or an error"));
  }
  size_t decoded = 0, refused = 0;
  for (int round = 0; round < 20000; ++round) {
    Words words = seeds[static_cast<size_t>(round) % seeds.size()];
    auto* bytes = reinterpret_cast<unsigned char*>(words.data());
    const size_t size = words.size() * sizeof(capnp::word);
    const int changes = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < changes; ++i) {
      // Never the segment table (word 0): its framing is FrameReader's, checked before any of this.
      const size_t at = sizeof(capnp::word) + random() % (size - sizeof(capnp::word));
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
