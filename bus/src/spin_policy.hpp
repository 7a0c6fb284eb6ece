// When the reactor's loop should keep polling instead of sleeping, and for how long. Waking a thread that sleeps
// in poll() costs the waker a system call that takes the scheduler's locks and, on a virtual machine, an
// interrupt between processors (some 15-25 µs of the waker's CPU on the 2-core microVMs CI runs on), and the
// sleeper about as long again before it runs. Where input comes at short intervals (a caller waiting for its
// answers, a serverlet under steady load) polling for that long without sleeping saves both.
//
// The rule, with `limit` the longest spin:
// - The loop remembers how long its last two waits took to end with input (spinning, sleeping, or both).
// - When both took at most `limit`, the next wait spins first, for twice the longer of them (the input's
//   usual interval with room for its jitter), at least `limit` / 8 and at most `limit`. Otherwise it sleeps at
//   once: input spaced wider than `limit`, a wait that ended by a timeout, or one that lasted longer than
//   `limit` (a spin that found nothing and slept) makes the next wait sleep.
// - A spin that loses the CPU for long (other threads want it: the machine is busy) ends at once, and the loop
//   does not spin again for a while: 50 ms, doubling each time it happens again (up to 2 s), back to 50 ms once
//   it has not happened for 10 s. On a busy CPU a thread asleep in poll() is woken sooner than one that yields
//   its turn, and each such spin costs a caller up to a time slice (milliseconds).
// So a node whose input is sparse sleeps at once, as it always did; one whose input comes at short intervals
// spins about as long as the input takes; input that stops or slows costs at most one spin (at most `limit`)
// before the loop sleeps again; and on a busy machine the loop sleeps as it did before spinning existed.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>

namespace skymesh::bus::detail {

class SpinPolicy {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit SpinPolicy(Duration limit) : limit_(limit) {}

  // How long to poll without sleeping before the next sleep, at `now` (zero: sleep at once).
  Duration budget(TimePoint now) const { return now < quiet_until_ ? Duration::zero() : budget_; }

  // A spin lost the CPU for longer than k_contended_gap at `now`: no spinning for a while.
  void contended(TimePoint now) {
    forget();
    if (!contended_before_ || now - last_contended_ > k_calm) quiet_ = k_min_quiet;
    contended_before_ = true;
    last_contended_ = now;
    quiet_until_ = now + quiet_;
    quiet_ = std::min<Duration>(quiet_ * 2, k_max_quiet);
  }
  // A gap in a spin longer than this means other threads had the CPU (a time slice is milliseconds; the I/O
  // thread a spin yields to runs for tens of microseconds).
  static constexpr Duration k_contended_gap = std::chrono::microseconds(500);

  // The loop waited `waited` in all (spinning first, then asleep if the spin found nothing, or only asleep).
  // `input`: the wait ended with input (a socket's descriptor or the wake-up flag), not a timeout.
  void waited(Duration waited, bool input) {
    if (!input || limit_ <= Duration::zero()) {
      forget();
      return;
    }
    recent_[1] = recent_[0];
    recent_[0] = waited;
    const Duration longest = std::max(recent_[0], recent_[1]);
    budget_ = longest > limit_ ? Duration::zero() : std::clamp<Duration>(longest * 2, limit_ / 8, limit_);
  }

 private:
  static constexpr Duration k_min_quiet = std::chrono::milliseconds(50);
  static constexpr Duration k_max_quiet = std::chrono::seconds(2);
  static constexpr Duration k_calm = std::chrono::seconds(10);  // no contention this long: pauses start over
  static constexpr Duration k_unknown = Duration::max();

  void forget() {
    budget_ = Duration::zero();
    recent_ = {k_unknown, k_unknown};
  }

  const Duration limit_;
  Duration budget_ = Duration::zero();
  std::array<Duration, 2> recent_{k_unknown, k_unknown};  // the last two waits that ended with input
  TimePoint quiet_until_{};
  TimePoint last_contended_{};
  bool contended_before_ = false;
  Duration quiet_ = k_min_quiet;
};

}  // namespace skymesh::bus::detail
