#include "poll_algorithm.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace skymesh::bus::detail {

// The dispatcher context waits in the ready queue whenever another fiber runs; counting it as "ready" would
// make every poll non-blocking (a busy loop). Only worker fibers count.
void PollAlgorithm::awakened(boost::fibers::context* ctx) noexcept {
  ctx->ready_link(ready_queue_);
  if (!ctx->is_context(boost::fibers::type::dispatcher_context)) ++ready_workers_;
}

boost::fibers::context* PollAlgorithm::pick_next() noexcept {
  if (ready_queue_.empty()) return nullptr;
  boost::fibers::context* ctx = &ready_queue_.front();
  ready_queue_.pop_front();
  if (!ctx->is_context(boost::fibers::type::dispatcher_context)) --ready_workers_;
  return ctx;
}

bool PollAlgorithm::has_ready_fibers() const noexcept {
  return state_.uninstalling ? !ready_queue_.empty() : ready_workers_ > 0;
}

void PollAlgorithm::suspend_until(std::chrono::steady_clock::time_point const& abs_time) noexcept {
  // Every fiber is blocked: let the io fiber poll until abs_time (the earliest sleeping fiber's wake-up).
  state_.wake_at = abs_time;
  state_.idle.wake();
}

void PollAlgorithm::notify() noexcept {
  // Another thread made a fiber of ours ready: wake the poll. One pending wake-up is enough.
  if (!state_.notified.exchange(true)) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(state_.wake_fd, &one, sizeof one);
  }
}

}  // namespace skymesh::bus::detail
