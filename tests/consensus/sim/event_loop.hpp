// The simulator's one event loop: a virtual clock in milliseconds, events ordered by (time, insertion order) so a
// run depends on nothing but the seed, and a seeded generator (splitmix64, the same numbers on every platform).
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace skymesh::consensus::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n) { return next() % n; }
  // Uniform in [lo, hi].
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }

 private:
  uint64_t state_;
};

class EventLoop {
 public:
  using Task = std::function<void()>;
  uint64_t now() const noexcept { return now_; }
  void at(uint64_t time, Task task);
  void after(uint64_t delay, Task task) { at(now_ + delay, std::move(task)); }
  // Runs events in order until `done` holds (checked after each event), the clock passes `until`, or the queue
  // is empty. Returns whether `done` held.
  bool run(uint64_t until, const std::function<bool()>& done);
  uint64_t events_run() const noexcept { return events_run_; }

 private:
  struct Event {
    uint64_t time;
    uint64_t seq;
    Task task;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }
  };
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  uint64_t now_ = 0;
  uint64_t seq_ = 0;
  uint64_t events_run_ = 0;
};

}  // namespace skymesh::consensus::sim
