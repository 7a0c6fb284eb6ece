// A wake-up for one waiting fiber, between fibers of one reactor thread. The hot waits of the bus (the poll
// loop's idle wait, an idle handler fiber, a caller waiting on its future) have one waiter and no timeout, and
// their wakers run on the same thread. A condition variable looks up the active fiber (a thread-local of
// Boost.Fiber's shared library, read through __tls_get_addr) and takes a spinlock on every wait and every
// notify; a FiberWaiter only remembers the waiting fiber and hands it to its scheduler's ready queue.
//
// Contract: wait() and wake() run on the thread whose scheduler runs the waiting fiber; at most one fiber waits
// at a time; a wake() with no fiber waiting is lost (callers keep a flag and check it before they wait).
#pragma once

#include <utility>

#include <boost/fiber/context.hpp>
#include <boost/fiber/scheduler.hpp>

namespace skymesh::bus::detail {

class FiberWaiter {
 public:
  FiberWaiter() = default;
  FiberWaiter(const FiberWaiter&) = delete;
  FiberWaiter& operator=(const FiberWaiter&) = delete;

  // Suspends the calling fiber, whose context is `self` (boost::fibers::context::active(), which a long-lived
  // fiber reads once), until wake(). Other ready fibers run meanwhile.
  void wait(boost::fibers::context* self) noexcept {
    waiting_ = self;
    self->suspend();
  }

  // Makes the waiting fiber ready to run; false if none waits.
  bool wake() noexcept {
    boost::fibers::context* waiting = std::exchange(waiting_, nullptr);
    if (waiting == nullptr) return false;
    waiting->get_scheduler()->schedule(waiting);
    return true;
  }

  bool waiting() const noexcept { return waiting_ != nullptr; }

 private:
  boost::fibers::context* waiting_ = nullptr;
};

}  // namespace skymesh::bus::detail
