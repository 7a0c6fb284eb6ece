// Synchronous, asynchronous, streaming and subscription primitives; transports; the client cache.
#include <boost/fiber/all.hpp>

#include "bus_fixture.hpp"

using namespace skymesh;
using test::echo_call;
using Clock = std::chrono::steady_clock;

TEST_CASE("a synchronous call blocks only its own fiber") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    std::vector<std::string> order;
    boost::fibers::fiber slow([&]() {
      REQUIRE(echo_call(client, "echo.echo", "slow", 300).ok());
      order.push_back("slow");
    });
    REQUIRE(echo_call(client, "echo.echo", "fast").ok());
    order.push_back("fast");
    slow.join();
    CHECK(order == std::vector<std::string>{"fast", "slow"});
  });
}

TEST_CASE("asynchronous calls are issued together and waited on together") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    std::vector<bus::RawFuture> futures;
    const auto begin = Clock::now();
    for (int i = 0; i < 50; ++i) {
      futures.push_back(client.async_call<proto::EchoRequest>("echo.echo", [i](proto::EchoRequest::Builder request) {
        request.setText(std::to_string(i));
        request.setDelayMs(100);
      }));
    }
    auto results = bus::wait_all(futures);
    const auto elapsed = Clock::now() - begin;
    REQUIRE(results.size() == 50);
    for (int i = 0; i < 50; ++i) {
      REQUIRE(results[i].ok());
      CHECK(std::string(results[i].value()->payload<proto::EchoReply>().getText()) == std::to_string(i));
    }
    // 50 calls of 100 ms each ran concurrently, not one after another (5 s).
    CHECK(elapsed < std::chrono::milliseconds(2500));
  });
}

TEST_CASE("requests queued behind a handler that blocks are run by other fibers, in arrival order") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    // One batch: a slow request first (its handler sleeps), then quick ones queued behind it on the server.
    std::vector<bus::RawFuture> futures;
    futures.push_back(client.async_call<proto::EchoRequest>("echo.echo", [](proto::EchoRequest::Builder request) {
      request.setText("slow");
      request.setDelayMs(1500);
    }));
    for (int i = 0; i < 20; ++i) {
      futures.push_back(client.async_call<proto::EchoRequest>(
          "echo.echo", [i](proto::EchoRequest::Builder request) { request.setText(std::to_string(i)); }));
    }
    const auto begin = Clock::now();
    uint64_t last_calls = 0;
    for (size_t i = 1; i < futures.size(); ++i) {
      auto result = futures[i].get();
      REQUIRE(result.ok());
      auto reply = result.value()->payload<proto::EchoReply>();
      CHECK(std::string(reply.getText()) == std::to_string(i - 1));
      // The server's call counter: quick requests started in the order they arrived.
      CHECK(reply.getCalls() > last_calls);
      last_calls = reply.getCalls();
    }
    // The quick ones did not wait for the slow handler.
    CHECK(Clock::now() - begin < std::chrono::milliseconds(1000));
    CHECK(futures[0].wait_for(std::chrono::seconds(0)) != boost::fibers::future_status::ready);
    auto slow = futures[0].get();
    REQUIRE(slow.ok());
    CHECK(std::string(slow.value()->payload<proto::EchoReply>().getText()) == "slow");
  });
}

TEST_CASE("handler fibers started for blocked handlers end once idle, and new ones start when needed") {
  zmq::context_t context;
  bus::Reactor reactor(context);
  bus::NodeOptions server_options = test::quick_options("echo");
  server_options.handler_idle = std::chrono::milliseconds(300);
  bus::Node server(reactor, server_options);
  echo::EchoService echo(server);
  REQUIRE(echo.attach().ok());
  REQUIRE(server.listen("tcp://127.0.0.1:0").ok());
  bus::Node client_node(reactor, test::quick_options("client"));
  reactor.run_until_done([&]() {
    auto client = bus::Client::connect(client_node, server.endpoints().front()).value();
    REQUIRE(echo_call(client, "echo.echo", "warm").ok());
    boost::this_fiber::sleep_for(std::chrono::milliseconds(100));
    const size_t baseline = reactor.live_fibers();
    auto burst = [&]() {
      // Ten handlers that block at once: ten handler fibers.
      std::vector<bus::RawFuture> futures;
      for (int i = 0; i < 10; ++i) {
        futures.push_back(client.async_call<proto::EchoRequest>(
            "echo.echo", [](proto::EchoRequest::Builder request) { request.setDelayMs(100); }));
      }
      for (auto& result : bus::wait_all(futures)) REQUIRE(result.ok());
    };
    burst();
    CHECK(reactor.live_fibers() >= baseline + 9);
    // Idle past handler_idle (and the heartbeat loop's next look): all but the ones there before have ended.
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    while (reactor.live_fibers() > baseline && Clock::now() < give_up) {
      boost::this_fiber::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(reactor.live_fibers() <= baseline);
    // Work after that still finds (or starts) handler fibers.
    burst();
    REQUIRE(echo_call(client, "echo.echo", "after").ok());
  });
}

TEST_CASE("a call past its deadline fails with deadline_exceeded and the server is told to cancel") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    const auto begin = Clock::now();
    auto late = echo_call(client, "echo.echo", "late", 1000, 0, bus::CallOptions{std::chrono::milliseconds(100)});
    const auto elapsed = Clock::now() - begin;
    REQUIRE_FALSE(late.ok());
    CHECK(late.status().code() == bus::ErrorCode::deadline_exceeded);
    CHECK(elapsed < std::chrono::milliseconds(900));
    // Wait past the handler's end: the cancelled call sends nothing back, so nothing arrives late.
    boost::this_fiber::sleep_for(std::chrono::milliseconds(1100));
    CHECK(echo_call(client, "echo.echo", "next").ok());
    CHECK(bus.client_node.counters().late_replies == 0);
  });
}

TEST_CASE("a handler sees the cancel its caller sent when the deadline passed, and may stop early") {
  test::BusFixture bus;
  bool saw_cancel = false;
  Clock::duration ran_for{};
  bus.server.handle<proto::EchoRequest, proto::EchoReply>(
      "slow.until_cancelled", [&](bus::CallContext& context, proto::EchoRequest::Reader, proto::EchoReply::Builder) {
        const auto begin = Clock::now();
        while (!context.cancelled() && Clock::now() - begin < std::chrono::seconds(5)) {
          boost::this_fiber::sleep_for(std::chrono::milliseconds(5));
        }
        saw_cancel = context.cancelled();
        ran_for = Clock::now() - begin;
        return bus::Status();
      });
  bus.run([&]() {
    auto client = bus.client();
    auto late = echo_call(client, "slow.until_cancelled", "", 0, 0, bus::CallOptions{std::chrono::milliseconds(100)});
    CHECK(late.status().code() == bus::ErrorCode::deadline_exceeded);
    // The cancel goes out when the deadline passes; the handler sees it at its next look.
    const auto waited = Clock::now();
    while (ran_for == Clock::duration{} && Clock::now() - waited < std::chrono::seconds(6)) {
      boost::this_fiber::sleep_for(std::chrono::milliseconds(5));
    }
    CHECK(saw_cancel);
    CHECK(ran_for < std::chrono::seconds(2));
    // Its answer is not sent: nothing arrives late, and the next call is served.
    CHECK(echo_call(client, "echo.echo", "next").ok());
    CHECK(bus.client_node.counters().late_replies == 0);
  });
}

TEST_CASE("a handler's downstream call inherits the deadline of the call it serves") {
  test::BusFixture bus;
  bus::Node proxy(bus.reactor, test::quick_options("proxy"));
  REQUIRE(proxy.listen("inproc://proxy").ok());
  auto downstream = bus::Client::connect(proxy, bus.endpoint());
  REQUIRE(downstream.ok());
  bus::Client to_echo = downstream.value();
  bus::Status downstream_status;
  proxy.handle<proto::EchoRequest, proto::EchoReply>(
      "proxy.echo", [&](bus::CallContext&, proto::EchoRequest::Reader request, proto::EchoReply::Builder) {
        downstream_status = echo_call(to_echo, "echo.echo", request.getText(), 2000).status();
        return downstream_status;
      });
  bus.run([&]() {
    auto client = bus.client("inproc://proxy");
    const auto begin = Clock::now();
    auto result = echo_call(client, "proxy.echo", "x", 0, 0, bus::CallOptions{std::chrono::milliseconds(200)});
    REQUIRE_FALSE(result.ok());
    boost::this_fiber::sleep_for(std::chrono::milliseconds(200));
    CHECK(downstream_status.code() == bus::ErrorCode::deadline_exceeded);
    CHECK(Clock::now() - begin < std::chrono::milliseconds(1500));
  });
}

TEST_CASE("a subscriber gets everything since N, then live events") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    REQUIRE(echo_call(client, "echo.publish", "old", 0, 10).ok());
    bus::Subscription subscription(client, "echo.ticks", 4);
    for (uint64_t seq = 4; seq <= 10; ++seq) {
      auto event = subscription.next(std::chrono::milliseconds(2000));
      REQUIRE(event.ok());
      CHECK(event.value()->event_seq() == seq);
      CHECK(std::string(event.value()->payload<proto::Tick>().getNote()) == "old");
    }
    REQUIRE(echo_call(client, "echo.publish", "live", 0, 3).ok());
    for (uint64_t seq = 11; seq <= 13; ++seq) {
      auto event = subscription.next(std::chrono::milliseconds(2000));
      REQUIRE(event.ok());
      CHECK(event.value()->event_seq() == seq);
      CHECK(std::string(event.value()->payload<proto::Tick>().getNote()) == "live");
    }
    auto nothing = subscription.next(std::chrono::milliseconds(50));
    CHECK(nothing.status().code() == bus::ErrorCode::deadline_exceeded);
  });
}

TEST_CASE("a subscriber that was away replays exactly what it missed") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    uint64_t last = 0;
    {
      bus::Subscription subscription(client, "echo.ticks", 1);
      REQUIRE(echo_call(client, "echo.publish", "a", 0, 5).ok());
      for (int i = 0; i < 5; ++i) REQUIRE(subscription.next(std::chrono::milliseconds(2000)).ok());
      last = subscription.last_seq();
    }
    REQUIRE(last == 5);
    auto published = echo_call(client, "echo.publish", "while away", 0, 2000);
    INFO(published.status().to_string());
    REQUIRE(published.ok());
    bus::Subscription again(client, "echo.ticks", last + 1);
    for (uint64_t seq = 6; seq <= 2005; ++seq) {
      auto event = again.next(std::chrono::milliseconds(2000));
      REQUIRE(event.ok());
      REQUIRE(event.value()->event_seq() == seq);
    }
  });
}

TEST_CASE("a subscription to an unknown topic gets not_found") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    bus::Subscription subscription(client, "echo.nothing", 0);
    auto event = subscription.next(std::chrono::milliseconds(2000));
    REQUIRE_FALSE(event.ok());
    CHECK(event.status().code() == bus::ErrorCode::not_found);
  });
}

TEST_CASE("the same client interface works in process, over inproc, ipc and tcp") {
  const std::string ipc = "ipc:///tmp/skymesh-test-" + std::to_string(::getpid()) + ".sock";
  for (const std::string endpoint : {"inproc://echo-test", ipc.c_str(), "tcp://127.0.0.1:0"}) {
    test::BusFixture bus(endpoint);
    bus.run([&]() {
      auto client = bus.client();
      auto reply = echo_call(client, "echo.echo", endpoint);
      REQUIRE(reply.ok());
      CHECK(std::string((*reply.value()).getText()) == endpoint);
      auto local = bus::Client::local(bus.client_node, bus.server);
      auto direct = echo_call(local, "echo.echo", "direct");
      REQUIRE(direct.ok());
      CHECK(std::string((*direct.value()).getText()) == "direct");
      auto failed = echo_call(local, "echo.fail", "local");
      CHECK(failed.status().code() == bus::ErrorCode::failed_precondition);
    });
  }
}

TEST_CASE("replies of an invariant-functional method are cached by the client") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    for (int i = 0; i < 3; ++i) {
      auto reply = echo_call(client, "echo.upper", "abc");
      REQUIRE(reply.ok());
      CHECK(std::string((*reply.value()).getText()) == "ABC");
    }
    CHECK(bus.echo.upper_calls() == 1);
    REQUIRE(echo_call(client, "echo.upper", "other").ok());
    CHECK(bus.echo.upper_calls() == 2);
  });
}

TEST_CASE("calls beyond the in-flight limit wait for a slot instead of being dropped") {
  zmq::context_t context;
  bus::Reactor reactor(context);
  auto options = test::quick_options("client");
  options.max_in_flight_per_peer = 4;
  bus::Node server(reactor, test::quick_options("echo"));
  bus::Node client_node(reactor, options);
  echo::EchoService echo(server);
  REQUIRE(echo.attach().ok());
  REQUIRE(server.listen("inproc://limited").ok());
  reactor.run_until_done([&]() {
    auto client = bus::Client::connect(client_node, "inproc://limited").value();
    std::vector<bus::RawFuture> futures;
    const auto begin = Clock::now();
    for (int i = 0; i < 12; ++i) {
      futures.push_back(client.async_call<proto::EchoRequest>(
          "echo.echo", [](proto::EchoRequest::Builder request) { request.setDelayMs(50); }));
    }
    for (auto& result : bus::wait_all(futures)) CHECK(result.ok());
    // Three waves of four: at least 150 ms.
    CHECK(Clock::now() - begin >= std::chrono::milliseconds(140));
  });
}

// Regression: the poll loop ran only once every fiber was blocked, so a fiber that spins on yield() (waiting for
// a flag an I/O callback sets) starved it forever.
TEST_CASE("regression: a fiber spinning on yield does not starve the poll loop") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    bool answered = false;
    boost::fibers::fiber caller([&]() { answered = echo_call(client, "echo.echo", "through").ok(); });
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    while (!answered && Clock::now() < give_up) boost::this_fiber::yield();
    CHECK(answered);  // before join(): blocking there would let the loop run and hide the starvation
    caller.join();
  });
}
