// The reactor's rule for polling before it sleeps (bus/src/spin_policy.hpp), wait by wait.
#include <catch2/catch.hpp>

#include "spin_policy.hpp"

using skymesh::bus::detail::SpinPolicy;
using std::chrono::microseconds;

namespace {

constexpr auto k_zero = SpinPolicy::Duration::zero();
const SpinPolicy::TimePoint k_now = SpinPolicy::TimePoint() + std::chrono::hours(1);

// A wait that slept (no spin) and ended with input after `us`.
void slept(SpinPolicy& policy, long us, bool input = true) {
  REQUIRE(policy.budget(k_now) == k_zero);
  policy.waited(microseconds(us), input);
}

// A wait that spun for its whole budget and found input after `us` (within the budget, or after it, asleep).
void spun(SpinPolicy& policy, long us) {
  REQUIRE(policy.budget(k_now) > k_zero);
  policy.waited(microseconds(us), true);
}

}  // namespace

TEST_CASE("sparse input never makes the loop spin") {
  SpinPolicy policy(microseconds(200));
  for (int i = 0; i < 100; ++i) slept(policy, 5000);
  CHECK(policy.budget(k_now) == k_zero);
  // Short waits that do not come two in a row do not either.
  for (int i = 0; i < 100; ++i) {
    slept(policy, 150);
    slept(policy, 5000);
  }
  CHECK(policy.budget(k_now) == k_zero);
  // Nor do waits that ended by a timeout, however short.
  for (int i = 0; i < 10; ++i) slept(policy, 10, false);
  CHECK(policy.budget(k_now) == k_zero);
  // Nor waits just longer than the limit.
  for (int i = 0; i < 10; ++i) slept(policy, 201);
  CHECK(policy.budget(k_now) == k_zero);
}

TEST_CASE("two short waits in a row start a spin twice as long as the longer of them, within its bounds") {
  SpinPolicy policy(microseconds(200));
  slept(policy, 5000);
  slept(policy, 60);
  CHECK(policy.budget(k_now) == k_zero);  // one short wait is not yet a pattern
  slept(policy, 90);
  CHECK(policy.budget(k_now) == microseconds(180));
  // A spin that finds input goes on, its length following the input's interval.
  spun(policy, 40);
  CHECK(policy.budget(k_now) == microseconds(180));  // the longer of 90 and 40
  spun(policy, 30);
  CHECK(policy.budget(k_now) == microseconds(80));
  // Never longer than the limit...
  spun(policy, 150);
  CHECK(policy.budget(k_now) == microseconds(200));
  // ... nor shorter than an eighth of it, however dense the input.
  for (int i = 0; i < 5; ++i) spun(policy, 1);
  CHECK(policy.budget(k_now) == microseconds(25));
}

TEST_CASE("input that slows or stops costs at most one spin before the loop sleeps at once again") {
  SpinPolicy policy(microseconds(200));
  slept(policy, 50);
  slept(policy, 50);
  REQUIRE(policy.budget(k_now) == microseconds(100));
  // Spun 100 µs in vain, then slept until input came after 2 ms in all: the next wait sleeps at once.
  spun(policy, 2000);
  CHECK(policy.budget(k_now) == k_zero);
  // And stays asleep until two short waits in a row come again.
  slept(policy, 120);
  CHECK(policy.budget(k_now) == k_zero);
  slept(policy, 120);
  CHECK(policy.budget(k_now) == microseconds(200));
  // A spin that misses but whose input still came within the limit spins longer next time.
  policy.waited(microseconds(30), true);
  REQUIRE(policy.budget(k_now) == microseconds(200));
  spun(policy, 20);
  REQUIRE(policy.budget(k_now) == microseconds(60));
  spun(policy, 110);  // 60 µs of spinning found nothing; input after 110 µs
  CHECK(policy.budget(k_now) == microseconds(200));
  // A wait that ended by a timeout forgets the pattern.
  policy.waited(microseconds(10), false);
  CHECK(policy.budget(k_now) == k_zero);
}

TEST_CASE("a limit of zero never spins") {
  SpinPolicy off(k_zero);
  for (int i = 0; i < 10; ++i) slept(off, 1);
  CHECK(off.budget(k_now) == k_zero);
}

TEST_CASE("a spin that lost the CPU for long stops spinning for a while, longer each time it happens again") {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  SpinPolicy policy(microseconds(200));
  slept(policy, 50);
  slept(policy, 50);
  REQUIRE(policy.budget(k_now) == microseconds(100));
  policy.contended(k_now);
  // Short waits go on, but no spin for 50 ms.
  for (int i = 0; i < 2; ++i) policy.waited(microseconds(50), true);
  CHECK(policy.budget(k_now + milliseconds(10)) == k_zero);
  CHECK(policy.budget(k_now + milliseconds(49)) == k_zero);
  CHECK(policy.budget(k_now + milliseconds(51)) == microseconds(100));
  // Again: 100 ms this time, then 200 ms, however many spins found input in between.
  const auto later = k_now + milliseconds(60);
  policy.contended(later);
  for (int i = 0; i < 2; ++i) policy.waited(microseconds(50), true);
  CHECK(policy.budget(later + milliseconds(90)) == k_zero);
  CHECK(policy.budget(later + milliseconds(101)) == microseconds(100));
  for (int i = 0; i < 100; ++i) policy.waited(microseconds(20), true);
  const auto again = later + milliseconds(200);
  policy.contended(again);
  for (int i = 0; i < 2; ++i) policy.waited(microseconds(50), true);
  CHECK(policy.budget(again + milliseconds(199)) == k_zero);
  CHECK(policy.budget(again + milliseconds(201)) == microseconds(100));
  // Never more than 2 s.
  auto at = again;
  for (int i = 0; i < 10; ++i) {
    at += milliseconds(2100);
    policy.contended(at);
  }
  for (int i = 0; i < 2; ++i) policy.waited(microseconds(50), true);
  CHECK(policy.budget(at + milliseconds(1999)) == k_zero);
  CHECK(policy.budget(at + milliseconds(2001)) == microseconds(100));
  // Calm for over 10 s: the pause starts over at 50 ms.
  const auto calm = at + seconds(11);
  policy.contended(calm);
  for (int i = 0; i < 2; ++i) policy.waited(microseconds(50), true);
  CHECK(policy.budget(calm + milliseconds(51)) == microseconds(100));
}

TEST_CASE("after a contended spin the loop needs two short waits again before it spins") {
  SpinPolicy policy(microseconds(200));
  slept(policy, 50);
  slept(policy, 50);
  policy.contended(k_now);
  const auto later = k_now + std::chrono::seconds(1);
  CHECK(policy.budget(later) == k_zero);
  policy.waited(microseconds(50), true);
  CHECK(policy.budget(later) == k_zero);
  policy.waited(microseconds(50), true);
  CHECK(policy.budget(later) == microseconds(100));
}
