// The reactor's poll loop on its own: every message reaches its socket's reader however it is read (one per
// turn after a sleep, many per turn under load), input that arrives while the loop sends on the same socket is
// not missed, and work posted from another thread runs even while fibers keep the loop from sleeping.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <boost/fiber/all.hpp>
#include <catch2/catch.hpp>
#include <zmq.hpp>

#include "skymesh/bus/reactor.hpp"

using namespace skymesh;
using Clock = std::chrono::steady_clock;

namespace {

// Waits (this fiber only) until `done` holds or `limit` passes; returns whether it holds.
template <typename Predicate>
bool wait_for(Predicate done, std::chrono::seconds limit) {
  const auto give_up = Clock::now() + limit;
  while (!done() && Clock::now() < give_up) boost::this_fiber::sleep_for(std::chrono::milliseconds(1));
  return done();
}

}  // namespace

TEST_CASE("every message reaches the reader, in bursts with pauses between them") {
  zmq::context_t context;
  bus::Reactor reactor(context);
  zmq::socket_t pull(context, zmq::socket_type::pull);
  pull.bind("inproc://reactor-bursts");
  size_t received = 0, largest_read = 0, calls = 0;
  reactor.add_socket(pull, [&](size_t max_messages) {
    ++calls;
    size_t read = 0;
    zmq::message_t message;
    while (read < max_messages && pull.recv(message, zmq::recv_flags::dontwait)) ++read;
    received += read;
    largest_read = std::max(largest_read, read);
  });
  constexpr size_t k_bursts = 20, k_burst = 500;
  std::thread sender([&context]() {
    zmq::socket_t push(context, zmq::socket_type::push);
    push.connect("inproc://reactor-bursts");
    for (size_t burst = 0; burst < k_bursts; ++burst) {
      for (size_t i = 0; i < k_burst; ++i) push.send(zmq::str_buffer("m"), zmq::send_flags::none);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the loop goes back to sleep
    }
  });
  reactor.run_until_done(
      [&]() { CHECK(wait_for([&]() { return received == k_bursts * k_burst; }, std::chrono::seconds(20))); });
  sender.join();
  reactor.remove_socket(pull);
  CHECK(received == k_bursts * k_burst);
  CHECK(largest_read > 1);  // after the first message of a burst the reader is given more than one per turn
  CHECK(calls < received);
}

TEST_CASE("replies that arrive while the loop sends on the same socket are all read") {
  zmq::context_t context;
  zmq::socket_t router(context, zmq::socket_type::router);
  router.set(zmq::sockopt::sndhwm, 0);  // a ROUTER drops what does not fit: nothing may be lost here
  router.bind("inproc://reactor-echo");
  constexpr size_t k_messages = 20000;
  std::thread echo([&router]() {
    for (size_t i = 0; i < k_messages; ++i) {
      zmq::message_t identity, body;
      if (!router.recv(identity) || !router.recv(body)) return;
      router.send(identity, zmq::send_flags::sndmore);
      router.send(body, zmq::send_flags::none);
    }
  });
  bus::Reactor reactor(context);
  zmq::socket_t dealer(context, zmq::socket_type::dealer);
  dealer.set(zmq::sockopt::sndhwm, 0);
  dealer.set(zmq::sockopt::rcvhwm, 0);
  dealer.connect("inproc://reactor-echo");
  size_t replies = 0;
  reactor.add_socket(dealer, [&](size_t max_messages) {
    zmq::message_t message;
    for (size_t i = 0; i < max_messages && dealer.recv(message, zmq::recv_flags::dontwait); ++i) ++replies;
  });
  reactor.run_until_done([&]() {
    // Sends in chunks, letting the loop run between them: ZeroMQ runs a socket's pending commands during a
    // send, which may take the signal that announced replies; the loop must still see them.
    for (size_t sent = 0; sent < k_messages;) {
      for (size_t i = 0; i < 64 && sent < k_messages; ++i, ++sent) {
        dealer.send(zmq::str_buffer("ping"), zmq::send_flags::dontwait);
      }
      boost::this_fiber::yield();
    }
    CHECK(wait_for([&]() { return replies == k_messages; }, std::chrono::seconds(20)));
  });
  echo.join();
  reactor.remove_socket(dealer);
  CHECK(replies == k_messages);
}

TEST_CASE("work posted from another thread runs while fibers keep the loop busy") {
  zmq::context_t context;
  bus::Reactor reactor(context);
  std::atomic<bool> ran{false};
  reactor.run_until_done([&]() {
    std::thread poster([&reactor, &ran]() { reactor.post([&ran]() { ran = true; }); });
    const auto give_up = Clock::now() + std::chrono::seconds(5);
    while (!ran && Clock::now() < give_up) boost::this_fiber::yield();  // never lets the loop sleep
    poster.join();
    CHECK(ran);
  });
}

TEST_CASE("a reader may remove its own socket and another reader's") {
  zmq::context_t context;
  bus::Reactor reactor(context);
  zmq::socket_t first(context, zmq::socket_type::pull), second(context, zmq::socket_type::pull);
  first.bind("inproc://reactor-first");
  second.bind("inproc://reactor-second");
  size_t first_reads = 0, second_reads = 0;
  reactor.add_socket(first, [&](size_t) {
    ++first_reads;
    zmq::message_t message;
    while (first.recv(message, zmq::recv_flags::dontwait)) {
    }
    reactor.remove_socket(first);
    reactor.remove_socket(second);
  });
  reactor.add_socket(second, [&](size_t) { ++second_reads; });
  zmq::socket_t to_first(context, zmq::socket_type::push), to_second(context, zmq::socket_type::push);
  to_first.connect("inproc://reactor-first");
  to_second.connect("inproc://reactor-second");
  to_first.send(zmq::str_buffer("a"), zmq::send_flags::none);
  reactor.run_until_done([&]() {
    CHECK(wait_for([&]() { return first_reads == 1; }, std::chrono::seconds(5)));
    to_second.send(zmq::str_buffer("b"), zmq::send_flags::none);
    to_first.send(zmq::str_buffer("c"), zmq::send_flags::none);
    boost::this_fiber::sleep_for(std::chrono::milliseconds(50));
  });
  CHECK(first_reads == 1);
  CHECK(second_reads == 0);
}

namespace {

// Sends `count` messages to `endpoint`, one every `gap` (the sender waits without sleeping for short gaps).
void send_spaced(zmq::context_t& context, const std::string& endpoint, size_t count, std::chrono::microseconds gap) {
  zmq::socket_t push(context, zmq::socket_type::push);
  push.connect(endpoint);
  for (size_t i = 0; i < count; ++i) {
    push.send(zmq::str_buffer("m"), zmq::send_flags::none);
    if (gap >= std::chrono::milliseconds(1)) {
      std::this_thread::sleep_for(gap);
    } else {
      const auto until = Clock::now() + gap;
      while (Clock::now() < until) std::this_thread::yield();
    }
  }
}

// Runs a reactor with `options` that reads `count` messages sent `gap` apart; returns what its idle waits did.
bus::ReactorStats read_spaced(bus::ReactorOptions options, size_t count, std::chrono::microseconds gap,
                              const std::string& endpoint) {
  zmq::context_t context;
  bus::Reactor reactor(context, options);
  zmq::socket_t pull(context, zmq::socket_type::pull);
  pull.bind(endpoint);
  size_t received = 0;
  reactor.add_socket(pull, [&](size_t max_messages) {
    zmq::message_t message;
    for (size_t read = 0; read < max_messages && pull.recv(message, zmq::recv_flags::dontwait); ++read) ++received;
  });
  std::thread sender([&]() { send_spaced(context, endpoint, count, gap); });
  reactor.run_until_done([&]() {
    CHECK(wait_for([&]() { return received == count; }, std::chrono::seconds(30)));
    // Stop reading: the loop may go on spinning or sleeping in its last wait without affecting the count.
  });
  sender.join();
  reactor.remove_socket(pull);
  CHECK(received == count);
  return reactor.stats();
}

}  // namespace

TEST_CASE("a loop whose input comes at short intervals polls before it sleeps, and finds input so") {
  // Runs of 4000 messages (up to five, until one spin found input: a busy machine may stretch the gaps).
  bus::ReactorStats stats;
  for (int run = 0; run < 5 && stats.spin_hits == 0; ++run) {
    stats = read_spaced(bus::ReactorOptions{}, 4000, std::chrono::microseconds(40), "inproc://spin-dense");
  }
  INFO("sleeps " << stats.sleeps << " spins " << stats.spins << " hits " << stats.spin_hits);
  CHECK(stats.spins > 0);
  CHECK(stats.spin_hits > 0);
}

TEST_CASE("a loop whose input is sparse, or whose spin is off, sleeps at once") {
  SECTION("sparse input") {
    const auto stats = read_spaced(bus::ReactorOptions{}, 40, std::chrono::milliseconds(5), "inproc://spin-sparse");
    INFO("sleeps " << stats.sleeps << " spins " << stats.spins);
    CHECK(stats.sleeps >= 40);
    // The loop's first turns (the connection's set-up) may look like short waits: one round of shrinking spins
    // (five) follows, and no other (at most one more round, on a busy machine).
    CHECK(stats.spins <= 10);
  }
  SECTION("spin off") {
    bus::ReactorOptions off;
    off.spin = std::chrono::microseconds(0);
    const auto stats = read_spaced(off, 4000, std::chrono::microseconds(40), "inproc://spin-off");
    CHECK(stats.spins == 0);
    CHECK(stats.sleeps > 0);
  }
}
