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
  policy.waited(microseconds(us), false, input);
}

}  // namespace

TEST_CASE("sparse input never makes the loop spin") {
  SpinPolicy policy(microseconds(100));
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
}

TEST_CASE("two short waits in a row start a spin, and spins that find input go on") {
  SpinPolicy policy(microseconds(100));
  slept(policy, 380);  // within 4 x the limit: the wake-up spinning would save is part of it
  CHECK(policy.budget(k_now) == k_zero);
  slept(policy, 120);
  CHECK(policy.budget(k_now) == microseconds(100));
  for (int i = 0; i < 50; ++i) {
    policy.waited(microseconds(30), true, true);  // found input after 30 µs of spinning
    CHECK(policy.budget(k_now) == microseconds(100));
  }
}

TEST_CASE("spins that find nothing shrink, and the loop soon sleeps at once again") {
  SpinPolicy policy(microseconds(100));
  slept(policy, 50);
  slept(policy, 50);
  REQUIRE(policy.budget(k_now) == microseconds(100));
  int spins = 0;
  auto spent = k_zero;
  while (policy.budget(k_now) > k_zero) {
    const auto spin = policy.budget(k_now);
    spent += spin;
    ++spins;
    policy.waited(spin + microseconds(2000), true, true);  // spun in vain, then slept 2 ms
  }
  CHECK(spins == 5);  // 100, 50, 25, 12.5, 6.25 µs; below 100/16 it stops
  CHECK(spent < microseconds(200));
  // A spin that finds input makes the next one as long as the limit again.
  slept(policy, 50);
  slept(policy, 50);
  policy.waited(microseconds(150), true, true);  // missed
  policy.waited(microseconds(150), true, true);  // missed
  CHECK(policy.budget(k_now) == microseconds(25));
  policy.waited(microseconds(20), true, true);  // hit within 25 µs
  CHECK(policy.budget(k_now) == microseconds(100));
  // Input found only after the budget (the CPU was busy and the spin's yields took long) is a miss.
  policy.waited(microseconds(3000), true, true);
  CHECK(policy.budget(k_now) == microseconds(50));
}

TEST_CASE("a limit of zero never spins") {
  SpinPolicy off(k_zero);
  for (int i = 0; i < 10; ++i) slept(off, 1);
  CHECK(off.budget(k_now) == k_zero);
}

TEST_CASE("a spin that lost the CPU for long stops spinning for a while, longer each time it happens again") {
  using std::chrono::milliseconds;
  SpinPolicy policy(microseconds(100));
  slept(policy, 50);
  slept(policy, 50);
  REQUIRE(policy.budget(k_now) == microseconds(100));
  policy.contended(k_now);
  // Short waits go on, but no spin for 50 ms.
  for (int i = 0; i < 2; ++i) policy.waited(microseconds(50), false, true);
  CHECK(policy.budget(k_now + milliseconds(10)) == k_zero);
  CHECK(policy.budget(k_now + milliseconds(49)) == k_zero);
  CHECK(policy.budget(k_now + milliseconds(51)) == microseconds(100));
  // Again: 100 ms this time.
  const auto later = k_now + milliseconds(60);
  policy.contended(later);
  for (int i = 0; i < 2; ++i) policy.waited(microseconds(50), false, true);
  CHECK(policy.budget(later + milliseconds(90)) == k_zero);
  CHECK(policy.budget(later + milliseconds(101)) == microseconds(100));
  // A spin that finds input brings the pause back to 50 ms.
  policy.waited(microseconds(20), true, true);
  const auto after = later + milliseconds(200);
  policy.contended(after);
  for (int i = 0; i < 2; ++i) policy.waited(microseconds(50), false, true);
  CHECK(policy.budget(after + milliseconds(51)) == microseconds(100));
}
