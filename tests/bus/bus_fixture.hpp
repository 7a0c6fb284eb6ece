// A server node running the echo service and a client node, both on one reactor (one thread), for tests that
// go through real ZeroMQ sockets. run() executes a test body as a fiber and returns when it finishes.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "echo_service.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/proto/test.capnp.h"
#include "test_options.hpp"

namespace skymesh::test {

struct BusFixture {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node server{reactor, quick_options("echo")};
  bus::Node client_node{reactor, quick_options("client")};
  echo::EchoService echo{server};

  explicit BusFixture(const std::string& endpoint = "tcp://127.0.0.1:0") {
    REQUIRE(echo.attach().ok());
    REQUIRE(server.listen(endpoint).ok());
  }
  std::string endpoint() const { return server.endpoints().front(); }
  bus::Client client(const std::string& target = "") {
    auto connected = bus::Client::connect(client_node, target.empty() ? endpoint() : target);
    REQUIRE(connected.ok());
    return connected.value();
  }
  void run(std::function<void()> body) { reactor.run_until_done(std::move(body)); }
};

inline bus::Result<bus::Reply<proto::EchoReply>> echo_call(bus::Client& client, const std::string& method,
                                                           const std::string& text, uint32_t delay_ms = 0,
                                                           uint32_t count = 0, bus::CallOptions options = {}) {
  return client.call<proto::EchoRequest, proto::EchoReply>(
      method,
      [&](proto::EchoRequest::Builder request) {
        request.setText(text);
        request.setDelayMs(delay_ms);
        request.setCount(count);
      },
      options);
}

}  // namespace skymesh::test
