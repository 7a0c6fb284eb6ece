// The admin serverlet: registry of every serverlet in the mesh, control plane, diagnostics feed, and the one
// HTTP port (JSON bridge, /metrics, /healthz). docs/admin.md lists the methods and routes.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "bridge.hpp"
#include "http_server.hpp"
#include "metrics.hpp"
#include "probe.hpp"
#include "registry.hpp"
#include "skymesh/bus/node.hpp"

namespace skymesh::admin {

struct AdminOptions {
  RegistryOptions registry;
  std::chrono::milliseconds heartbeat{1000};     // what serverlets are asked to keep to
  std::chrono::milliseconds call_timeout{5000};  // bridge calls
  std::chrono::milliseconds probe_timeout{1000};
  std::string http;      // HOST:PORT; empty: no HTTP
  std::string data_dir;  // where the diagnostics feed is kept (durable); empty: in memory
};

class AdminService {
 public:
  AdminService(bus::Node& node, AdminOptions options);
  ~AdminService();
  AdminService(const AdminService&) = delete;
  AdminService& operator=(const AdminService&) = delete;

  // Registers the admin.* methods and the admin.diagnostics topic, starts the lease checker and the HTTP port.
  bus::Status attach();
  // HOST:PORT the HTTP port is bound to (empty without one).
  std::string http_address() const;
  const Registry& registry() const { return registry_; }

  // The HTTP routes (also callable directly by tests).
  HttpResponse handle_http(const HttpRequest& request);

 private:
  void publish(const Change& change, const std::string& level);
  void publish_report(const Record& record, proto::Report::Reader report);
  void check_leases();
  bus::Result<ServiceTarget> resolve(const std::string& service);
  std::vector<Instance> snapshot(const std::string& name) const;

  bus::Node& node_;
  AdminOptions options_;
  Registry registry_;
  Prober prober_;
  Bridge bridge_;
  AdminCounters counters_;
  std::unique_ptr<HttpServer> http_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace skymesh::admin
