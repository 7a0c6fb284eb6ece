// The future of an asynchronous call (Client::async_call): its answer, or the status that says why there is
// none, delivered on the reactor thread that made the call. Waiting blocks only the waiting fiber.
//
// Lighter than Boost.Fiber's future and promise, which it replaces for calls: one pooled state shared by the
// call and its future, no mutex and no exception slot, and a condition variable touched only when a fiber
// actually waits. That is enough because a call's answer is made and taken on one thread: a RawFuture belongs
// to the reactor thread of the Node that made the call (like every other bus object), and may only be waited
// on, moved or destroyed there.
#pragma once

#include <chrono>
#include <utility>

#include <boost/fiber/future/future_status.hpp>

#include "skymesh/bus/message.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::bus {

namespace detail {
struct CallState;
class CallPromise;
}  // namespace detail

class RawFuture {
 public:
  RawFuture() noexcept = default;
  RawFuture(RawFuture&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  RawFuture& operator=(RawFuture&& other) noexcept;
  RawFuture(const RawFuture&) = delete;
  RawFuture& operator=(const RawFuture&) = delete;
  ~RawFuture();

  // Whether it stands for a call: false when default-made, moved from, or once get() took the answer.
  bool valid() const noexcept { return state_ != nullptr; }
  // Whether the answer is there (get() will not wait).
  bool ready() const noexcept;
  // Waits (this fiber only) for the answer and takes it; valid() is false afterwards. On a future that is not
  // valid: a failed_precondition status.
  Result<MessagePtr> get();
  // Waits at most `timeout` (or until `deadline`) for the answer without taking it: ready or timeout. A
  // timeout of zero only looks.
  boost::fibers::future_status wait_for(std::chrono::steady_clock::duration timeout) const;
  boost::fibers::future_status wait_until(std::chrono::steady_clock::time_point deadline) const;

  // A future whose answer is there already.
  static RawFuture ready_with(Result<MessagePtr> result);

 private:
  friend class detail::CallPromise;
  explicit RawFuture(detail::CallState* state) noexcept : state_(state) {}
  // No call, an answer, or no one left to answer: get() returns at once.
  bool settled() const noexcept;
  detail::CallState* state_ = nullptr;
};

}  // namespace skymesh::bus
