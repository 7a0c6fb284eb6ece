// skymesh-echo: answers echo.* calls; the model serverlet (docs/serverlet.md walks through it).
#include "echo_service.hpp"
#include "skymesh/bus/serverlet.hpp"

int main(int argc, char** argv) {
  using namespace skymesh;
  std::unique_ptr<echo::EchoService> service;
  const bus::ServerletSpec spec{"echo",
                                "the model serverlet: echo, streaming, topics, sessions",
                                {{"instance", "a name echo.echo replies carry, to tell replicas apart"}}};
  return bus::run_serverlet(argc, argv, spec, [&service](bus::Node& node, const bus::ServerletOptions& options) {
    auto instance = options.values.find("instance");
    service = std::make_unique<echo::EchoService>(
        node, instance == options.values.end() ? node.options().name : instance->second);
    return service->attach();
  });
}
