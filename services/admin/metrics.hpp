// GET /metrics: the Prometheus text exposition format (version 0.0.4) of every listed serverlet's health and
// sys.stats, plus the admin's own counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probe.hpp"
#include "registry.hpp"

namespace skymesh::admin {

struct AdminCounters {
  uint64_t http_requests = 0, http_malformed = 0, registrations = 0, deaths = 0, bridge_calls = 0, bridge_errors = 0;
};

// `results` is parallel to `instances`. Label values are escaped as the format requires.
std::string render_metrics(const std::vector<Instance>& instances, const std::vector<ProbeResult>& results,
                           const AdminCounters& counters, Clock::time_point now);

}  // namespace skymesh::admin
