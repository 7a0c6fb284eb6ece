// The echo serverlet: the smallest complete serverlet, used by the bus tests, bench_bus and docs/serverlet.md.
// It shows every dispatch kind: default functions (echo.echo, echo.upper, echo.repeat, echo.fail,
// echo.publish), a topic (echo.ticks), and per-session objects bound to handler ids (echo.session).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "skymesh/bus/node.hpp"

namespace skymesh::echo {

// A per-caller object (dispatch kind 4): counts the calls made to it; dies on echo.endSession.
class Session {
 public:
  void on_request(bus::Incoming& incoming);
  uint64_t calls() const { return calls_; }

 private:
  uint64_t calls_ = 0;
};

class EchoService {
 public:
  // `instance` is the name echo.echo replies carry (replicas tell themselves apart by it).
  explicit EchoService(bus::Node& node, std::string instance = "echo");
  EchoService(const EchoService&) = delete;
  EchoService& operator=(const EchoService&) = delete;

  // Registers the methods and the echo.ticks topic on the node.
  bus::Status attach();
  uint64_t upper_calls() const { return upper_calls_; }

 private:
  bus::Node& node_;
  std::string instance_;
  uint64_t calls_ = 0;
  uint64_t upper_calls_ = 0;
  std::map<bus::HandlerId, std::shared_ptr<Session>> sessions_;
};

}  // namespace skymesh::echo
