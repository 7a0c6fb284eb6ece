// A Boost.Fiber scheduling algorithm (round robin) whose idle wait is handed to the reactor's io fiber: when no
// fiber is ready, suspend_until() records the wake-up time and wakes the io fiber, which blocks in poll()
// until a socket has input, the time passes, or another thread calls notify() (an eventfd in the poll set).
// This is the pattern of Boost.Fiber's asio example, with poll() on the sockets' ZMQ_FDs in place of
// io_context::run_one.
#pragma once

#include <atomic>
#include <chrono>

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>

#include "fiber_waiter.hpp"

namespace skymesh::bus::detail {

// Shared between the algorithm (owned by Boost.Fiber's scheduler) and the reactor's io fiber.
class PollAlgorithm;

struct PollState {
  PollAlgorithm* algorithm = nullptr;  // set while installed on the reactor thread
  int wake_fd = -1;                    // eventfd: written by notify(), read by the io fiber
  std::chrono::steady_clock::time_point wake_at = std::chrono::steady_clock::time_point::max();
  FiberWaiter idle;  // the io fiber waits here; woken when every other fiber is blocked
  std::atomic<bool> notified{false};
  // Set while the algorithm is being replaced: Boost's set_algo() moves contexts only while has_ready_fibers()
  // is true, and the dispatcher context must move too.
  bool uninstalling = false;
};

class PollAlgorithm final : public boost::fibers::algo::algorithm {
 public:
  explicit PollAlgorithm(PollState& state) : state_(state) { state_.algorithm = this; }
  ~PollAlgorithm() override { state_.algorithm = nullptr; }
  PollAlgorithm(const PollAlgorithm&) = delete;
  PollAlgorithm& operator=(const PollAlgorithm&) = delete;

  void awakened(boost::fibers::context* ctx) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  void suspend_until(std::chrono::steady_clock::time_point const& abs_time) noexcept override;
  void notify() noexcept override;

 private:
  PollState& state_;
  boost::fibers::scheduler::ready_queue_type ready_queue_;
  size_t ready_workers_ = 0;  // ready contexts other than the dispatcher
};

}  // namespace skymesh::bus::detail
