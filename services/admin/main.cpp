// skymesh-admin: the registry, control plane, diagnostics feed and HTTP port of a mesh (docs/admin.md).
#include <cstdio>
#include <cstdlib>

#include "admin_service.hpp"
#include "skymesh/bus/serverlet.hpp"

int main(int argc, char** argv) {
  using namespace skymesh;
  const bus::ServerletSpec spec{
      "admin",
      "registry, control plane, diagnostics feed and HTTP JSON bridge of the mesh",
      {{"http", "HOST:PORT of the HTTP port (POST /api/<service>/<method>, GET /metrics, GET /healthz)"},
       {"lease-ms", "a serverlet silent this long is declared dead (default 3000)"}}};
  return bus::run_serverlet(argc, argv, spec, [](bus::Node& node, const bus::ServerletOptions& options) {
    admin::AdminOptions admin_options;
    admin_options.data_dir = options.data_dir;
    if (auto http = options.values.find("http"); http != options.values.end()) admin_options.http = http->second;
    if (auto lease = options.values.find("lease-ms"); lease != options.values.end()) {
      char* end = nullptr;
      const unsigned long ms = std::strtoul(lease->second.c_str(), &end, 10);
      if (lease->second.empty() || *end != '\0' || ms < 100 || ms > 600000) {
        return bus::Status(bus::ErrorCode::bad_request, "--lease-ms takes 100..600000, got " + lease->second);
      }
      admin_options.registry.lease = std::chrono::milliseconds(ms);
    }
    admin_options.heartbeat = node.options().heartbeat_interval;
    auto service = std::make_shared<admin::AdminService>(node, admin_options);
    node.hold(service);
    bus::Status status = service->attach();
    // Printed like the bus endpoints (a launcher or test reads these lines): the HTTP port first.
    if (status.ok() && !service->http_address().empty()) {
      std::printf("listening http://%s\n", service->http_address().c_str());
    }
    return status;
  });
}
