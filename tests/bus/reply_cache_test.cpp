// ReplyCache (bus/src/reply_cache.hpp): entries found by (sender, request id), and by arrival number, while they
// are added and dropped oldest first, through growth and shrinking, with request ids chosen to collide; kept
// answers counted in bytes; and EncodedEnvelope, the form an answer is kept in, decoding to the envelope that was
// encoded.
#include <catch2/catch.hpp>

#include <chrono>
#include <deque>
#include <map>
#include <random>
#include <tuple>

#include "reply_cache.hpp"
#include "skymesh/proto/test.capnp.h"

using skymesh::bus::Kind;
using skymesh::bus::RequestKey;
using skymesh::bus::detail::EncodedEnvelope;
using skymesh::bus::detail::Outgoing;
using skymesh::bus::detail::ReplyCache;
using Clock = std::chrono::steady_clock;

namespace {

auto as_tuple(const RequestKey& key) {
  return std::make_tuple(key.sender_high, key.sender_low, key.request_id);
}

Outgoing answer(uint64_t request_id, size_t payload_bytes) {
  Outgoing out(Kind::REPLY);
  auto env = out.envelope();
  env.setMethod("echo.echo");
  env.setRequestId(request_id);
  auto reply = env.getPayload().initAs<skymesh::proto::EchoReply>();
  reply.initData(static_cast<unsigned>(payload_bytes));
  reply.setCalls(request_id * 3);
  return out;
}

}  // namespace

TEST_CASE("entries are found by sender and request id while added and dropped oldest first") {
  ReplyCache cache;
  std::deque<RequestKey> order;  // the model: arrival order
  std::deque<uint64_t> numbers;  // and each one's arrival number
  uint64_t added = 0;
  std::map<std::tuple<uint64_t, uint64_t, uint64_t>, uint64_t> expected;  // key -> marker
  std::mt19937_64 random(11);
  const auto now = Clock::now();
  size_t largest = 0;
  for (int round = 0; round < 40000; ++round) {
    // Phases: grow to a few thousand, drain almost empty (the ring shrinks), grow again.
    const bool growing = (round / 10000) % 2 == 0;
    if (growing ? random() % 4 != 0 : order.empty() || random() % 4 == 0) {
      RequestKey key;
      key.sender_high = random() % 3;
      key.sender_low = 100 + key.sender_high;
      key.request_id = random() % 2 == 0 ? random() % 100000 : (random() % 64) << 40;  // colliding low bits
      auto [entry, fresh] = cache.find_or_add(key, now);
      const bool known = expected.count(as_tuple(key)) != 0;
      REQUIRE(fresh == !known);
      REQUIRE(entry->key == key);
      if (fresh) {
        entry->cancelled = std::make_shared<bool>(false);
        entry->expires = now + std::chrono::microseconds(expected.size());
        REQUIRE(cache.number_of(*entry) == added);  // numbered in arrival order, from 0
        numbers.push_back(added++);
        order.push_back(key);
        expected[as_tuple(key)] = expected.size();
      }
    } else if (!order.empty()) {
      REQUIRE(cache.oldest().key == order.front());
      cache.drop_oldest();
      REQUIRE(cache.at(numbers.front(), order.front()) == nullptr);  // a dropped entry's number names nothing
      expected.erase(as_tuple(order.front()));
      order.pop_front();
      numbers.pop_front();
    }
    REQUIRE(cache.size() == order.size());
    largest = std::max(largest, order.size());
    if (round % 997 == 0) {
      for (size_t i = 0; i < order.size(); ++i) {
        const RequestKey& key = order[i];
        auto* entry = cache.find(key);
        REQUIRE(entry != nullptr);
        REQUIRE(entry->key == key);
        // Its number still names it, through every growth and shrinking of the ring; not with another key.
        REQUIRE(cache.at(numbers[i], key) == entry);
        REQUIRE(cache.number_of(*entry) == numbers[i]);
        RequestKey other = key;
        other.request_id ^= 1;
        REQUIRE(cache.at(numbers[i], other) == nullptr);
      }
    }
    // A key never added, or dropped, is not found.
    RequestKey absent;
    absent.sender_high = 7;
    absent.request_id = random();
    REQUIRE(cache.find(absent) == nullptr);
  }
  CHECK(largest > 1000);  // grown well past its first 64 entries
}

TEST_CASE("a kept answer is counted in bytes until it is dropped or reset") {
  ReplyCache cache;
  const auto now = Clock::now();
  RequestKey first{1, 2, 10};
  RequestKey second{1, 2, 11};
  auto* entry = cache.find_or_add(first, now).first;
  REQUIRE(cache.answer_bytes() == 0);
  cache.keep_answer(*entry, answer(10, 64).encode());
  CHECK(entry->answered);
  const size_t one = cache.answer_bytes();
  CHECK(one >= 64);
  entry = cache.find_or_add(second, now).first;
  cache.keep_answer(*entry, answer(11, 4000).encode());
  const size_t both = cache.answer_bytes();
  CHECK(both >= one + 4000);
  cache.reset(*cache.find(second));
  CHECK(cache.answer_bytes() == one);
  CHECK_FALSE(cache.find(second)->answered);
  cache.drop_oldest();
  CHECK(cache.answer_bytes() == 0);
  CHECK(cache.find(first) == nullptr);
  CHECK(cache.find(second) != nullptr);
}

TEST_CASE("an encoded envelope decodes to the envelope that was encoded, small or big; its size is judged right") {
  for (size_t payload : {0u, 1u, 100u, 300u, 5000u, 100000u}) {
    const Outgoing original = answer(42 + payload, payload);
    const EncodedEnvelope encoded = original.encode();
    CHECK(encoded.words().size() == original.size_words());
    CHECK(encoded.bytes() >= encoded.words().size() * sizeof(capnp::word));
    for (size_t limit : {0u, 30u, 64u, 65u, 66u, 2048u, 20000u}) {
      CHECK(original.bigger_than(limit) == (original.size_words() > limit));
    }
    Outgoing copy = encoded.decode();
    auto env = copy.envelope();
    CHECK(env.getRequestId() == 42 + payload);
    CHECK(std::string(env.getMethod().cStr()) == "echo.echo");
    auto reply = env.getPayload().getAs<skymesh::proto::EchoReply>();
    CHECK(reply.getData().size() == payload);
    CHECK(reply.getCalls() == (42 + payload) * 3);
    // Moving hands the words over; the moved-from one is empty.
    EncodedEnvelope again = copy.encode();
    const size_t words = again.words().size();
    EncodedEnvelope moved = std::move(again);
    CHECK(moved.words().size() == words);
    CHECK(again.words().size() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
    moved = original.encode();
    CHECK(moved.words().size() == encoded.words().size());
  }
}
