// RawFuture and the promise that answers it (call_future.hpp, call_promise.hpp): waking a waiting fiber, timed
// waits, and no fiber left waiting forever when a call's promise goes away unanswered.
#include <chrono>

#include <boost/fiber/all.hpp>
#include <catch2/catch.hpp>

#include "call_promise.hpp"
#include "skymesh/bus/call_future.hpp"

using namespace skymesh;
using bus::detail::CallPromise;
using namespace std::chrono_literals;

TEST_CASE("a ready future gives its answer once") {
  bus::RawFuture future = bus::RawFuture::ready_with(bus::Status(bus::ErrorCode::not_found, "nothing here"));
  CHECK(future.valid());
  CHECK(future.ready());
  CHECK(future.wait_for(0s) == boost::fibers::future_status::ready);
  auto result = future.get();
  CHECK(result.status().code() == bus::ErrorCode::not_found);
  CHECK_FALSE(future.valid());
  CHECK(future.get().status().code() == bus::ErrorCode::failed_precondition);
  CHECK(bus::RawFuture().get().status().code() == bus::ErrorCode::failed_precondition);
}

TEST_CASE("a fiber waiting on a future wakes when another fiber answers") {
  CallPromise promise = CallPromise::make();
  bus::RawFuture future = promise.get_future();
  CHECK_FALSE(future.ready());
  CHECK(future.wait_for(0s) == boost::fibers::future_status::timeout);
  bool answered = false;
  boost::fibers::fiber answerer([&]() {
    boost::this_fiber::sleep_for(5ms);
    answered = true;
    promise.set_value(bus::Status(bus::ErrorCode::overloaded, "busy"));
    promise.set_value(bus::Status(bus::ErrorCode::internal, "too late"));  // the first answer counts
  });
  auto result = future.get();  // blocks this fiber only: the answerer runs meanwhile
  CHECK(answered);
  CHECK(result.status().code() == bus::ErrorCode::overloaded);
  answerer.join();
}

TEST_CASE("a timed wait ends at its deadline, or earlier with the answer") {
  CallPromise promise = CallPromise::make();
  bus::RawFuture future = promise.get_future();
  const auto begin = std::chrono::steady_clock::now();
  CHECK(future.wait_for(20ms) == boost::fibers::future_status::timeout);
  CHECK(std::chrono::steady_clock::now() - begin >= 20ms);
  boost::fibers::fiber answerer([&]() {
    boost::this_fiber::sleep_for(5ms);
    promise.set_value(bus::Status(bus::ErrorCode::unavailable, "gone"));
  });
  CHECK(future.wait_for(10s) == boost::fibers::future_status::ready);
  CHECK(future.valid());  // waiting does not take the answer
  CHECK(future.get().status().code() == bus::ErrorCode::unavailable);
  answerer.join();
}

TEST_CASE("a promise let go without an answer answers cancelled") {
  SECTION("while a fiber waits") {
    bus::RawFuture future;
    boost::fibers::fiber owner([&]() {
      CallPromise promise = CallPromise::make();
      future = promise.get_future();
      boost::this_fiber::sleep_for(5ms);
    });  // the promise dies at the end of the fiber
    boost::this_fiber::sleep_for(1ms);
    CHECK(future.get().status().code() == bus::ErrorCode::cancelled);
    owner.join();
  }
  SECTION("before anyone waits") {
    bus::RawFuture future;
    {
      CallPromise promise = CallPromise::make();
      future = promise.get_future();
    }
    CHECK(future.ready());
    CHECK(future.get().status().code() == bus::ErrorCode::cancelled);
  }
  SECTION("replaced by another promise") {
    CallPromise promise = CallPromise::make();
    bus::RawFuture first = promise.get_future();
    promise = CallPromise::make();
    CHECK(first.get().status().code() == bus::ErrorCode::cancelled);
  }
}

TEST_CASE("a future let go before the answer leaves the promise answerable") {
  CallPromise promise = CallPromise::make();
  { bus::RawFuture dropped = promise.get_future(); }
  promise.set_value(bus::Status(bus::ErrorCode::internal, "nobody listens"));  // no crash, nothing leaks
  CHECK(static_cast<bool>(promise));
}
