#include "skymesh/bus/call_future.hpp"

#include "block_pool.hpp"
#include "call_promise.hpp"
#include "no_lock.hpp"

namespace skymesh::bus {
namespace detail {
namespace {

void release_state(CallState* state) noexcept {
  if (state == nullptr || --state->refs != 0) return;
  state->~CallState();
  PoolAllocator<CallState>().deallocate(state, 1);
}

}  // namespace

CallPromise CallPromise::make() {
  CallPromise promise;
  promise.state_ = new (PoolAllocator<CallState>().allocate(1)) CallState();
  return promise;
}

CallPromise& CallPromise::operator=(CallPromise&& other) noexcept {
  if (this != &other) {
    abandon();
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

CallPromise::~CallPromise() {
  abandon();
}

void CallPromise::abandon() noexcept {
  if (state_ == nullptr) return;
  if (!state_->value && state_->refs > 1) {
    try {
      set_value(Status(ErrorCode::cancelled, "the call ended without an answer"));
    } catch (...) {  // allocating the message failed: the waiter still wakes, on an empty answer slot
      state_->notify();
    }
  }
  release_state(std::exchange(state_, nullptr));
}

RawFuture CallPromise::get_future() {
  ++state_->refs;
  return RawFuture(state_);
}

void CallPromise::set_value(Result<MessagePtr> result) {
  if (state_ == nullptr || state_->value) return;
  state_->value.emplace(std::move(result));
  state_->notify();
}

}  // namespace detail

RawFuture& RawFuture::operator=(RawFuture&& other) noexcept {
  if (this != &other) {
    detail::release_state(state_);
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

RawFuture::~RawFuture() {
  detail::release_state(state_);
}

bool RawFuture::settled() const noexcept {
  return state_ == nullptr || state_->value || state_->refs == 1;
}

bool RawFuture::ready() const noexcept {
  return state_ != nullptr && state_->value.has_value();
}

Result<MessagePtr> RawFuture::get() {
  if (state_ == nullptr) return Status(ErrorCode::failed_precondition, "get() on a future that holds no call");
  if (!state_->value) {
    // Woken by the answer, or by the promise let go without one (which answers cancelled).
    boost::fibers::context* const self = boost::fibers::context::active();
    while (!state_->value && state_->refs > 1) state_->getter.wait(self);
  }
  detail::CallState* state = std::exchange(state_, nullptr);
  Result<MessagePtr> result =
      state->value ? std::move(*state->value) : Result<MessagePtr>(Status(ErrorCode::cancelled, "the call ended"));
  detail::release_state(state);
  return result;
}

boost::fibers::future_status RawFuture::wait_for(std::chrono::steady_clock::duration timeout) const {
  if (timeout <= std::chrono::steady_clock::duration::zero()) {
    return settled() ? boost::fibers::future_status::ready : boost::fibers::future_status::timeout;
  }
  return wait_until(std::chrono::steady_clock::now() + timeout);
}

boost::fibers::future_status RawFuture::wait_until(std::chrono::steady_clock::time_point deadline) const {
  if (settled()) return boost::fibers::future_status::ready;
  detail::NoLock lock;
  ++state_->timed_waiters;
  const bool answered = state_->answered.wait_until(lock, deadline, [this]() { return settled(); });
  --state_->timed_waiters;
  return answered ? boost::fibers::future_status::ready : boost::fibers::future_status::timeout;
}

RawFuture RawFuture::ready_with(Result<MessagePtr> result) {
  detail::CallPromise promise = detail::CallPromise::make();
  RawFuture future = promise.get_future();
  promise.set_value(std::move(result));
  return future;
}

}  // namespace skymesh::bus
