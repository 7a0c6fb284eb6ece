// The peer the bus is measured against: plain ZeroMQ DEALER/ROUTER echo over tcp loopback, no envelope,
// no fibers. A server thread echoes every message back; the client measures round trips and pipelined rate.
// A client's destructor sends the empty message that stops the server.
//
// Each side waits for input in one of two ways. `blocking`: inside ZeroMQ's recv (the raw peer the targets
// name). `polled`: as the bus's reactor must, serving several sockets and an eventfd from one thread: ask
// ZMQ_EVENTS (which runs the socket's pending commands), sleep in poll() on ZMQ_FD while there is no input, ask
// again on waking. Its round trip is what a reactor over ZeroMQ costs before any bus code runs.
#pragma once

#include <poll.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

namespace skymesh::bench {

enum class RawWait { blocking, polled };

// Waits (polled) until `socket` has a message to read.
inline void wait_polled(zmq::socket_t& socket, int fd) {
  while ((socket.get(zmq::sockopt::events) & ZMQ_POLLIN) == 0) {
    pollfd item{fd, POLLIN, 0};
    (void)::poll(&item, 1, -1);
  }
}

class RawEchoServer {
 public:
  explicit RawEchoServer(zmq::context_t& context, RawWait wait = RawWait::blocking)
      : socket_(context, zmq::socket_type::router), wait_(wait) {
    socket_.set(zmq::sockopt::sndhwm, 100000);
    socket_.set(zmq::sockopt::rcvhwm, 100000);
    socket_.bind("tcp://127.0.0.1:0");
    endpoint_ = socket_.get(zmq::sockopt::last_endpoint);
    thread_ = std::thread([this]() { serve(); });
  }
  ~RawEchoServer() { thread_.join(); }
  const std::string& endpoint() const { return endpoint_; }

 private:
  void serve() {
    const int fd = socket_.get(zmq::sockopt::fd);
    for (;;) {
      zmq::message_t identity, body;
      if (wait_ == RawWait::polled) {
        wait_polled(socket_, fd);
        if (!socket_.recv(identity, zmq::recv_flags::dontwait) || !socket_.recv(body, zmq::recv_flags::dontwait)) {
          continue;
        }
      } else if (!socket_.recv(identity) || !socket_.recv(body)) {
        return;
      }
      if (body.size() == 0) return;  // the client's stop message
      socket_.send(identity, zmq::send_flags::sndmore);
      socket_.send(body, zmq::send_flags::none);
    }
  }
  zmq::socket_t socket_;
  RawWait wait_;
  std::string endpoint_;
  std::thread thread_;
};

struct RawResults {
  std::vector<double> rtt_us;
  double msgs_per_s = 0;
};

// The raw peer's client: a DEALER that sends `payload_bytes` bytes and waits for the echo. Its calls block the
// calling thread (in bench_bus, the bus client's reactor thread, which has nothing else to do meanwhile).
class RawClient {
 public:
  using Clock = std::chrono::steady_clock;

  RawClient(zmq::context_t& context, const std::string& endpoint, size_t payload_bytes,
            RawWait wait = RawWait::blocking)
      : socket_(context, zmq::socket_type::dealer), payload_(payload_bytes, 'x'), wait_(wait) {
    socket_.set(zmq::sockopt::sndhwm, 100000);
    socket_.set(zmq::sockopt::rcvhwm, 100000);
    socket_.connect(endpoint);
    fd_ = socket_.get(zmq::sockopt::fd);
    for (int i = 0; i < 200; ++i) echo_once();  // connect and warm up
  }
  ~RawClient() { socket_.send(zmq::message_t(), zmq::send_flags::none); }  // stops the server

  void echo_once() {
    socket_.send(zmq::buffer(payload_), zmq::send_flags::none);
    zmq::message_t reply;
    if (wait_ == RawWait::polled) {
      wait_polled(socket_, fd_);
      (void)socket_.recv(reply, zmq::recv_flags::dontwait);
    } else {
      (void)socket_.recv(reply);
    }
  }

  // One timed round trip, in microseconds.
  double round_trip_us() {
    const auto begin = Clock::now();
    echo_once();
    return std::chrono::duration<double, std::micro>(Clock::now() - begin).count();
  }

  // Keeps `window` messages in flight until `end`, then waits for the rest; returns how many came back (waiting
  // inside ZeroMQ's recv, whatever the client's way of waiting).
  size_t pipelined(size_t window, Clock::time_point end) {
    size_t sent = 0, received = 0;
    while (Clock::now() < end || received < sent) {
      while (sent - received < window && Clock::now() < end) {
        socket_.send(zmq::buffer(payload_), zmq::send_flags::none);
        ++sent;
      }
      zmq::message_t reply;
      (void)socket_.recv(reply);
      ++received;
    }
    return received;
  }

 private:
  zmq::socket_t socket_;
  std::string payload_;
  RawWait wait_;
  int fd_ = -1;
};

// Synchronous round trips for `seconds`, then a pipelined run keeping `window` messages in flight (none if 0).
inline RawResults run_raw(zmq::context_t& context, const std::string& endpoint, size_t payload_bytes, double seconds,
                          size_t window) {
  using Clock = std::chrono::steady_clock;
  RawResults results;
  RawClient client(context, endpoint, payload_bytes);
  const auto rtt_end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < rtt_end) results.rtt_us.push_back(client.round_trip_us());
  if (window == 0) return results;
  const auto begin = Clock::now();
  const size_t received = client.pipelined(
      window, begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
  results.msgs_per_s = static_cast<double>(received) / std::chrono::duration<double>(Clock::now() - begin).count();
  return results;
}

}  // namespace skymesh::bench
