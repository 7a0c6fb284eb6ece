// PendingCalls (bus/src/pending_calls.hpp): calls found by id through the ring, in order, out of order and with
// gaps; a detached call stays where it lies until released, and its slot is reused only then.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <string>

#include "pending_calls.hpp"

using skymesh::bus::detail::PendingCalls;

namespace {

struct Call {
  std::string name;
};

}  // namespace

TEST_CASE("calls are found by id whatever the order they come and go in") {
  PendingCalls<Call> calls;
  std::map<uint64_t, std::string> expected;
  std::mt19937_64 random(7);
  uint64_t next = 1000;
  for (int round = 0; round < 5000; ++round) {
    const auto choice = random() % 10;
    if (choice < 5 || expected.empty()) {
      // Mostly the next id; sometimes a gap, sometimes an id below every pending one.
      uint64_t id = next++;
      if (choice == 0) id = next += random() % 50;
      if (choice == 1 && !expected.empty() && expected.begin()->first > 3)
        id = expected.begin()->first - 1 - random() % 3;
      if (expected.count(id)) continue;
      calls.emplace(id).name = "call " + std::to_string(id);
      expected[id] = "call " + std::to_string(id);
    } else {
      auto it = expected.begin();
      std::advance(it, static_cast<long>(random() % expected.size()));
      {
        auto detached = calls.detach(it->first);
        CHECK(detached->name == it->second);
        CHECK(calls.find(it->first) == nullptr);
      }
      expected.erase(it);
    }
    REQUIRE(calls.size() == expected.size());
    if (!expected.empty()) REQUIRE(calls.oldest() == expected.begin()->first);
  }
  for (const auto& [id, name] : expected) {
    const Call* found = calls.find(id);
    REQUIRE(found != nullptr);
    CHECK(found->name == name);
  }
  CHECK(calls.find(next + 1) == nullptr);
  CHECK(calls.ids().size() == expected.size());
}

TEST_CASE("a detached call keeps its slot until it is released") {
  PendingCalls<Call> calls;
  calls.emplace(1).name = "first";
  {
    auto detached = calls.detach(1);
    // A call added while the first is still being finished (even under the same id) gets another slot.
    calls.emplace(1).name = "again";
    calls.emplace(2).name = "second";
    CHECK(detached->name == "first");
    CHECK(calls.find(1)->name == "again");
  }
  CHECK(calls.find(1)->name == "again");
  // The released slot is reset before it is reused.
  { auto gone = calls.detach(2); }
  CHECK(calls.emplace(3).name.empty());
}
