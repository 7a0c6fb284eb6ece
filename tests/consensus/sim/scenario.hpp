// Random scenarios for the seed sweep: from one seed, a trust set of 4-7 keys, up to f faulty keys (crashed,
// equivocating, double-voting, silent, flooding, or shared by two processes), honest nodes with skewed clocks, a
// lossy duplicating network, and a window of partitions and crash-restarts of honest nodes that then heals.
#pragma once

#include <cstdint>
#include <string>

namespace skymesh::consensus::sim {

struct ScenarioResult {
  bool ok = false;
  std::string report;  // the scenario and the simulator's summary, with the replay line
};

// Runs the scenario of `seed`: safety at every commit, and after the heal every honest node commits three
// heights past the highest one reached, within a virtual-time bound.
ScenarioResult run_scenario(uint64_t seed);

}  // namespace skymesh::consensus::sim
