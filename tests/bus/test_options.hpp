// Node options for tests: fast heartbeats (a dead peer is noticed in 0.3 s), quiet logs.
#pragma once

#include <chrono>
#include <string>

#include "skymesh/bus/node.hpp"

namespace skymesh::test {

inline bus::NodeOptions quick_options(const std::string& name,
                                      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  bus::NodeOptions options;
  options.name = name;
  options.heartbeat_interval = std::chrono::milliseconds(100);
  options.default_timeout = timeout;
  options.log_level = bus::LogLevel::warn;
  return options;
}

}  // namespace skymesh::test
