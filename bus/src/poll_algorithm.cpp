#include "poll_algorithm.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace skymesh::bus::detail {

void PollAlgorithm::awakened(boost::fibers::context* ctx) noexcept {
  ctx->ready_link(ready_queue_);
}

boost::fibers::context* PollAlgorithm::pick_next() noexcept {
  if (ready_queue_.empty()) return nullptr;
  boost::fibers::context* ctx = &ready_queue_.front();
  ready_queue_.pop_front();
  return ctx;
}

bool PollAlgorithm::has_ready_fibers() const noexcept { return !ready_queue_.empty(); }

void PollAlgorithm::suspend_until(std::chrono::steady_clock::time_point const& abs_time) noexcept {
  // Every fiber is blocked: let the io fiber poll until abs_time (the earliest sleeping fiber's wake-up).
  state_.wake_at = abs_time;
  state_.idle.notify_one();
}

void PollAlgorithm::notify() noexcept {
  // Another thread made a fiber of ours ready: wake zmq_poll. One pending wake-up is enough.
  if (!state_.notified.exchange(true)) {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(state_.wake_fd, &one, sizeof one);
  }
}

}  // namespace skymesh::bus::detail
