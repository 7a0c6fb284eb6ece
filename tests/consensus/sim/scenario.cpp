#include "scenario.hpp"

#include <sstream>

#include "simulator.hpp"

namespace skymesh::consensus::sim {

namespace {
const char* behaviour_name(Behaviour b) {
  switch (b) {
    case Behaviour::honest:
      return "honest";
    case Behaviour::equivocating_proposer:
      return "equivocating";
    case Behaviour::double_voter:
      return "double-voter";
    case Behaviour::silent_proposer:
      return "silent-proposer";
    case Behaviour::flooder:
      return "flooder";
  }
  return "?";
}
}  // namespace

ScenarioResult run_scenario(uint64_t seed) {
  Rng rng(seed ^ 0x5eed5eed5eedULL);
  std::ostringstream story;
  const std::size_t keys = 4 + rng.below(4);
  const std::size_t f = (keys - 1) / 3;
  const std::size_t faulty = rng.below(f + 1);
  std::vector<NodeSpec> nodes;
  std::vector<std::size_t> honest;
  for (std::size_t k = 0; k < keys; ++k) {
    NodeSpec spec{k};
    spec.clock_rate = 0.5 + static_cast<double>(rng.below(1501)) / 1000.0;
    if (k < faulty) {
      switch (rng.below(6)) {
        case 0:
          spec.up = false;
          break;
        case 1:
          spec.behaviour = Behaviour::equivocating_proposer;
          break;
        case 2:
          spec.behaviour = Behaviour::double_voter;
          break;
        case 3:
          spec.behaviour = Behaviour::silent_proposer;
          break;
        case 4:
          spec.behaviour = Behaviour::flooder;
          break;
        default:
          nodes.push_back(NodeSpec{k});  // a second process with the same key
          break;
      }
      story << " key" << k << "=" << (spec.up ? behaviour_name(spec.behaviour) : "crashed");
    } else {
      honest.push_back(nodes.size());
    }
    nodes.push_back(spec);
  }
  NetworkFaults faults{static_cast<double>(rng.below(21)) / 100.0, static_cast<double>(rng.below(31)) / 100.0, 1,
                       1 + rng.below(100)};
  story << " keys=" << keys << " processes=" << nodes.size() << " drop=" << faults.drop << " dup=" << faults.duplicate
        << " delay<=" << faults.max_delay_ms;

  // Tendermint's usual one-second pause between heights: the faults, not the number of heights, make a seed
  // interesting, and every height costs signatures.
  Config config = Simulator::default_config();
  config.commit_ms = 1000;
  Simulator sim(seed, keys, nodes, faults, config);
  sim.run_for(rng.below(2000));
  // The fault window: a partition of the processes or crashes of honest ones, for up to eight seconds.
  const uint64_t window = rng.below(8'000);
  if (rng.chance(0.5)) {
    std::vector<std::size_t> a, b;
    for (std::size_t i = 0; i < nodes.size(); ++i) (rng.chance(0.5) ? a : b).push_back(i);
    const bool symmetric = rng.chance(0.5);
    sim.partition(a, b, symmetric);
    story << " partition(" << a.size() << "|" << b.size() << (symmetric ? ")" : ", one way)") << " for " << window;
    sim.run_for(window);
    sim.heal();
  } else {
    std::vector<std::size_t> crashed;
    for (std::size_t i : honest) {
      if (rng.chance(0.3)) crashed.push_back(i);
    }
    story << " crash " << crashed.size() << " honest for " << window;
    for (std::size_t i : crashed) sim.crash(i);
    sim.run_for(window);
    for (std::size_t i : crashed) sim.restart(i);
  }
  const uint64_t target = sim.highest_height() + 3;
  const bool progressed = sim.run_until_height(honest, target, sim.loop().now() + 180'000);
  ScenarioResult result;
  result.ok = progressed && sim.violations().empty();
  result.report = "scenario:" + story.str() + "\n" +
                  (progressed ? "" : "no progress to " + std::to_string(target) + "; ") + sim.summary();
  return result;
}

}  // namespace skymesh::consensus::sim
