#include "health.hpp"

#include <optional>

#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/bus/reactor.hpp"
#include "skymesh/bus/security.hpp"
#include "skymesh/proto/sys.capnp.h"

namespace skymesh::launcher {

std::vector<Health> ping_all(const std::vector<PingTarget>& targets, const std::filesystem::path& client_key_file,
                             std::chrono::milliseconds timeout) {
  std::vector<Health> results(targets.size());
  bus::NodeOptions options;
  options.name = "skymesh-status";
  options.log_level = bus::LogLevel::error;
  options.default_timeout = timeout;
  if (!client_key_file.empty()) {
    auto keys = bus::load_key_file(client_key_file);
    if (!keys.ok()) {
      for (Health& health : results) health.error = keys.status().to_string();
      return results;
    }
    options.security.keys = keys.value();
  }
  zmq::context_t context;
  bus::Reactor reactor(context);
  bus::Node node(reactor, options);
  reactor.run_until_done([&]() {
    std::vector<std::optional<bus::Client>> clients(targets.size());
    std::vector<std::optional<bus::RawFuture>> calls(targets.size());
    const auto began = std::chrono::steady_clock::now();
    for (size_t i = 0; i < targets.size(); ++i) {
      bus::ClientOptions client_options;
      client_options.cache = false;
      if (!targets[i].server_key_file.empty()) {
        auto server = bus::load_key_file(targets[i].server_key_file);
        if (!server.ok()) {
          results[i].error = server.status().to_string();
          continue;
        }
        client_options.server_public_key = server->public_key;
      }
      auto client = bus::Client::connect(node, targets[i].endpoint, client_options);
      if (!client.ok()) {
        results[i].error = client.status().to_string();
        continue;
      }
      clients[i].emplace(client.value());
      calls[i].emplace(clients[i]->async_call<proto::Empty>(
          "sys.ping", [](proto::Empty::Builder) {}, bus::CallOptions{timeout}));
    }
    for (size_t i = 0; i < targets.size(); ++i) {
      if (!calls[i]) continue;
      auto reply = calls[i]->get();
      if (!reply.ok()) {
        results[i].error = reply.status().to_string();
        continue;
      }
      results[i].ok = true;
      results[i].round_trip_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
    }
  });
  return results;
}

}  // namespace skymesh::launcher
