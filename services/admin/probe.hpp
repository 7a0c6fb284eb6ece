// Asks serverlets for sys.stats, all at once, each within a deadline: what admin.list {"probe":true} and
// GET /metrics report. One client per instance, kept while the instance is listed.
#pragma once

#include <chrono>
#include <map>

#include <boost/fiber/mutex.hpp>
#include <string>
#include <vector>

#include "registry.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"

namespace skymesh::admin {

struct ProbeResult {
  bus::Status status;     // ok, or why the instance did not answer
  bus::MessagePtr stats;  // a sys.stats reply (proto::StatsReply) when ok
};

class Prober {
 public:
  Prober(bus::Node& node, std::chrono::milliseconds timeout) : node_(node), timeout_(timeout) {}

  // One result per instance, in order. Blocks the calling fiber at most about `timeout`; probes from several
  // fibers take turns. Clients of instances not in `instances` are forgotten first, so pass every listed one.
  std::vector<ProbeResult> probe(const std::vector<Instance>& instances);

 private:
  bus::Node& node_;
  std::chrono::milliseconds timeout_;
  std::map<std::string, bus::Client> clients_;  // by instance
  boost::fibers::mutex mutex_;
};

}  // namespace skymesh::admin
