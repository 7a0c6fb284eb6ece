// The peer the bus is measured against: plain ZeroMQ DEALER/ROUTER echo over tcp loopback, no envelope,
// no fibers. A server thread echoes every message back; the client measures round trips and pipelined rate.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <zmq.hpp>

namespace skymesh::bench {

class RawEchoServer {
 public:
  explicit RawEchoServer(zmq::context_t& context) : socket_(context, zmq::socket_type::router) {
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
    for (;;) {
      zmq::message_t identity, body;
      if (!socket_.recv(identity) || !socket_.recv(body)) return;
      if (body.size() == 0) return;  // the client's stop message
      socket_.send(identity, zmq::send_flags::sndmore);
      socket_.send(body, zmq::send_flags::none);
    }
  }
  zmq::socket_t socket_;
  std::string endpoint_;
  std::thread thread_;
};

struct RawResults {
  std::vector<double> rtt_us;
  double msgs_per_s = 0;
};

// Synchronous round trips for `seconds`, then a pipelined run keeping `window` messages in flight (none if 0).
inline RawResults run_raw(zmq::context_t& context, const std::string& endpoint, size_t payload_bytes, double seconds,
                          size_t window) {
  using Clock = std::chrono::steady_clock;
  RawResults results;
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::sndhwm, 100000);
  socket.set(zmq::sockopt::rcvhwm, 100000);
  socket.connect(endpoint);
  const std::string payload(payload_bytes, 'x');
  auto echo_once = [&]() {
    socket.send(zmq::buffer(payload), zmq::send_flags::none);
    zmq::message_t reply;
    (void)socket.recv(reply);
  };
  for (int i = 0; i < 200; ++i) echo_once();  // connect and warm up
  const auto rtt_end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < rtt_end) {
    const auto begin = Clock::now();
    echo_once();
    results.rtt_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
  }
  if (window == 0) {
    socket.send(zmq::message_t(), zmq::send_flags::none);  // stop the server
    return results;
  }
  size_t sent = 0, received = 0;
  const auto begin = Clock::now();
  const auto end = begin + std::chrono::duration<double>(seconds);
  while (Clock::now() < end || received < sent) {
    while (sent - received < window && Clock::now() < end) {
      socket.send(zmq::buffer(payload), zmq::send_flags::none);
      ++sent;
    }
    zmq::message_t reply;
    (void)socket.recv(reply);
    ++received;
  }
  results.msgs_per_s = static_cast<double>(received) / std::chrono::duration<double>(Clock::now() - begin).count();
  socket.send(zmq::message_t(), zmq::send_flags::none);  // stop the server
  return results;
}

}  // namespace skymesh::bench
