// skymesh-echo: answers echo.* calls; the model serverlet (docs/serverlet.md walks through it).
#include "echo_service.hpp"
#include "skymesh/bus/serverlet.hpp"

int main(int argc, char** argv) {
  using namespace skymesh;
  std::unique_ptr<echo::EchoService> service;
  return bus::run_serverlet(argc, argv, {"echo", "the model serverlet: echo, streaming, topics, sessions", {}},
                            [&service](bus::Node& node, const bus::ServerletOptions&) {
                              service = std::make_unique<echo::EchoService>(node);
                              return service->attach();
                            });
}
