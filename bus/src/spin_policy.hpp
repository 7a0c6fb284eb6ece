// When the reactor's loop should keep polling instead of sleeping. Waking a thread that sleeps in poll() costs
// the waker a system call that takes the scheduler's locks and, on a virtual machine, an interrupt between
// processors (some 15-20 µs of the waker's CPU on the 2-core microVMs CI runs on), and the sleeper about as long
// again before it runs. Where input comes at short intervals (a caller waiting for its answers, a serverlet under
// steady load) polling for a few tens of microseconds without sleeping saves both.
//
// The rule, with `limit` the longest spin:
// - Not spinning, the loop starts to (for `limit`) after two waits in a row that each ended with input within
//   4 x `limit` (a wait it slept through includes the wake-up, which spinning would have saved).
// - Spinning, a spin that finds input makes the next one `limit` long again; one that finds nothing halves it,
//   and below `limit` / 16 the loop stops spinning.
// - A spin that loses the CPU for long (other threads want it: the machine is busy) ends at once, and the loop
//   does not spin again for a while (50 ms, doubling while it keeps happening, up to 2 s; back to 50 ms once a
//   spin finds input). On a busy CPU a thread asleep in poll() is woken sooner than one that yields its turn.
// So a node whose input is sparse sleeps at once, as it always did; one whose input comes at short intervals
// spins; input spaced just beyond what a spin reaches costs a few shrinking spins (about 2 x `limit` in all)
// before the loop sleeps again; and on a busy machine the loop sleeps as it did before spinning existed.
#pragma once

#include <algorithm>
#include <chrono>

namespace skymesh::bus::detail {

class SpinPolicy {
 public:
  using Duration = std::chrono::steady_clock::duration;

  explicit SpinPolicy(Duration limit) : limit_(limit) {}

  using TimePoint = std::chrono::steady_clock::time_point;

  // How long to poll without sleeping before the next sleep, at `now` (zero: sleep at once).
  Duration budget(TimePoint now) const { return now < quiet_until_ ? Duration::zero() : budget_; }

  // A spin lost the CPU for longer than k_contended_gap at `now`: no spinning for a while.
  void contended(TimePoint now) {
    budget_ = Duration::zero();
    short_waits_ = 0;
    quiet_until_ = now + quiet_;
    quiet_ = std::min<Duration>(quiet_ * 2, k_max_quiet);
  }
  // A gap in a spin longer than this means other threads had the CPU (a time slice is milliseconds; the I/O
  // thread a spin yields to runs for tens of microseconds).
  static constexpr Duration k_contended_gap = std::chrono::microseconds(500);

  // The loop waited `waited` in all, spinning first if `spun` (for budget(), as it was before this call), then
  // asleep if the spin found nothing. `input`: the wait ended with input (a socket's descriptor or the wake-up
  // eventfd), not a timeout. A spin counts as finding input only if the input came within its budget: on a
  // busy CPU, where the threads it yields to run for milliseconds, a spin takes longer and counts as a miss.
  void waited(Duration waited, bool spun, bool input) {
    if (spun) {
      short_waits_ = 0;
      if (input && waited <= budget_) {
        budget_ = limit_;
        quiet_ = k_min_quiet;
      } else {
        budget_ /= 2;
        if (budget_ < limit_ / 16) budget_ = Duration::zero();
      }
      return;
    }
    if (!input || limit_ <= Duration::zero() || waited > limit_ * k_short_wait_factor) {
      short_waits_ = 0;
      return;
    }
    if (++short_waits_ >= k_short_waits_to_spin) {
      short_waits_ = 0;
      budget_ = limit_;
    }
  }

 private:
  static constexpr int k_short_wait_factor = 4;
  static constexpr int k_short_waits_to_spin = 2;
  static constexpr Duration k_min_quiet = std::chrono::milliseconds(50);
  static constexpr Duration k_max_quiet = std::chrono::seconds(2);
  const Duration limit_;
  Duration budget_ = Duration::zero();
  int short_waits_ = 0;
  TimePoint quiet_until_{};
  Duration quiet_ = k_min_quiet;
};

}  // namespace skymesh::bus::detail
