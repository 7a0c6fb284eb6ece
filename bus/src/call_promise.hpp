// The answering side of a RawFuture (skymesh/bus/call_future.hpp), held by a pending call (or by a
// same-process call's responder) until its answer is known. Reactor thread only, like the future.
#pragma once

#include <optional>

#include <boost/fiber/condition_variable.hpp>

#include "fiber_waiter.hpp"
#include "skymesh/bus/call_future.hpp"

namespace skymesh::bus::detail {

// Shared by a call's promise and its future; pooled, freed when the last of the two lets go.
struct CallState {
  std::optional<Result<MessagePtr>> value;
  FiberWaiter getter;                              // the fiber in get(), if any
  boost::fibers::condition_variable_any answered;  // notified only while timed_waiters > 0
  unsigned refs = 1;
  unsigned timed_waiters = 0;  // fibers in wait_until()

  // Wakes every fiber that waits for the answer (or for the promise to go).
  void notify() {
    getter.wake();
    if (timed_waiters != 0) answered.notify_all();
  }
};

class CallPromise {
 public:
  CallPromise() noexcept = default;
  // A promise with a fresh state.
  static CallPromise make();
  CallPromise(CallPromise&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  CallPromise& operator=(CallPromise&& other) noexcept;
  CallPromise(const CallPromise&) = delete;
  CallPromise& operator=(const CallPromise&) = delete;
  // A promise let go without an answer answers `cancelled`: no future waits forever.
  ~CallPromise();

  explicit operator bool() const noexcept { return state_ != nullptr; }
  // The future of this promise (one per promise).
  RawFuture get_future();
  // The answer; the first one counts. Wakes the fiber waiting on the future, if any.
  void set_value(Result<MessagePtr> result);

 private:
  void abandon() noexcept;
  CallState* state_ = nullptr;
};

}  // namespace skymesh::bus::detail
