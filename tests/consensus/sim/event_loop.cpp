#include "event_loop.hpp"

namespace skymesh::consensus::sim {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void EventLoop::at(uint64_t time, Task task) {
  queue_.push(Event{time < now_ ? now_ : time, seq_++, std::move(task)});
}

bool EventLoop::run(uint64_t until, const std::function<bool()>& done) {
  if (done && done()) return true;
  while (!queue_.empty() && queue_.top().time <= until) {
    Event event = queue_.top();
    queue_.pop();
    now_ = event.time;
    ++events_run_;
    event.task();
    if (done && done()) return true;
  }
  if (now_ < until) now_ = until;
  return done && done();
}

}  // namespace skymesh::consensus::sim
