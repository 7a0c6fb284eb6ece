// The simulator's named cases: each builds a network and a fault, runs the real machines, and checks safety (no
// fork, only valid blocks, checked certificates: Simulator::violations) and the progress the case promises.
// Every case prints its seed on failure; SKYMESH_SIM_SEED=N replays a case with seed N.
#include <catch2/catch.hpp>

#include "sim/simulator.hpp"

using namespace skymesh::consensus;
using namespace skymesh::consensus::sim;

namespace {

std::vector<NodeSpec> honest_nodes(std::size_t n) {
  std::vector<NodeSpec> nodes;
  for (std::size_t i = 0; i < n; ++i) nodes.push_back(NodeSpec{i});
  return nodes;
}

std::vector<std::size_t> all_but(std::size_t n, std::vector<std::size_t> excluded) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (std::find(excluded.begin(), excluded.end(), i) == excluded.end()) out.push_back(i);
  }
  return out;
}

const NetworkFaults k_lossy{0.05, 0.05, 1, 40};

}  // namespace

TEST_CASE("four honest nodes on a good network commit ten heights") {
  Simulator sim(seed_from_env(1), 4, honest_nodes(4), NetworkFaults{});
  INFO(sim.summary());
  CHECK(sim.run_until_height({0, 1, 2, 3}, 10, 60'000));
  CHECK(sim.violations().empty());
  INFO(sim.summary());
  CHECK(sim.evidence_count() == 0);
}

TEST_CASE("with f of 3f+1 nodes crashed the others keep committing") {
  for (std::size_t n : {4u, 7u}) {
    const std::size_t f = (n - 1) / 3;
    auto nodes = honest_nodes(n);
    std::vector<std::size_t> crashed;
    for (std::size_t i = 0; i < f; ++i) {
      nodes[i].up = false;
      crashed.push_back(i);
    }
    Simulator sim(seed_from_env(2 + n), n, nodes, k_lossy);
    CHECK(sim.run_until_height(all_but(n, crashed), 8, 120'000));
    INFO(sim.summary());
    CHECK(sim.violations().empty());
  }
}

TEST_CASE("with f+1 nodes crashed the rest halt without a fork and resume when one returns") {
  Simulator sim(seed_from_env(3), 4, honest_nodes(4), k_lossy);
  REQUIRE(sim.run_until_height({0, 1, 2, 3}, 2, 60'000));
  sim.crash(0);
  sim.crash(1);
  const uint64_t before = sim.highest_height();
  sim.run_for(30'000);
  INFO(sim.summary());
  CHECK(sim.highest_height() <= before + 1);  // a height in flight may still finish
  const uint64_t halted = sim.highest_height();
  sim.run_for(30'000);
  CHECK(sim.highest_height() == halted);
  sim.restart(1);
  CHECK(sim.run_until_height({1, 2, 3}, halted + 3, sim.loop().now() + 120'000));
  sim.restart(0);
  CHECK(sim.run_until_height({0, 1, 2, 3}, halted + 5, sim.loop().now() + 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
}

TEST_CASE("an equivocating proposer is caught and cannot split the honest nodes") {
  auto nodes = honest_nodes(4);
  nodes[1].behaviour = Behaviour::equivocating_proposer;
  Simulator sim(seed_from_env(4), 4, nodes, k_lossy);
  CHECK(sim.run_until_height({0, 2, 3}, 12, 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
  CHECK(sim.evidence_count() > 0);
}

TEST_CASE("a double-voting node is reported and cannot cause a fork") {
  auto nodes = honest_nodes(4);
  nodes[2].behaviour = Behaviour::double_voter;
  Simulator sim(seed_from_env(5), 4, nodes, k_lossy);
  CHECK(sim.run_until_height({0, 1, 3}, 10, 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
  CHECK(sim.evidence_count() > 0);
}

TEST_CASE("two processes sharing one key count as one faulty signer and cause no fork") {
  // Five processes, four keys: processes 3 and 4 both sign with key 3, each with its own WAL.
  auto nodes = honest_nodes(4);
  nodes.push_back(NodeSpec{3});
  Simulator sim(seed_from_env(6), 4, nodes, k_lossy);
  CHECK(sim.run_until_height({0, 1, 2}, 10, 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
}

TEST_CASE("a node restarted after locking keeps its lock and signs nothing new for a signed step") {
  // Crash each node in turn in the middle of rounds, over and over: the WAL must keep every restarted node from
  // signing a second vote for one (height, round, kind); any such vote would show up as evidence.
  // Short runs and short outages on a lossy network make a restarted node often miss the proposal it voted for.
  Simulator sim(seed_from_env(7), 4, honest_nodes(4), NetworkFaults{0.2, 0.05, 1, 60});
  for (int cycle = 0; cycle < 40; ++cycle) {
    const std::size_t victim = sim.rng().below(4);
    sim.run_for(sim.rng().between(20, 400));
    sim.crash(victim);
    sim.run_for(sim.rng().between(1, 100));
    sim.restart(victim);
  }
  CHECK(sim.run_until_height({0, 1, 2, 3}, sim.highest_height() + 3, sim.loop().now() + 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
  CHECK(sim.evidence_count() == 0);
}

TEST_CASE("a symmetric partition halts the minority side and both sides agree after it heals") {
  Simulator sim(seed_from_env(8), 4, honest_nodes(4), k_lossy);
  REQUIRE(sim.run_until_height({0, 1, 2, 3}, 2, 60'000));
  sim.partition({0, 1}, {2, 3});
  const uint64_t before = sim.highest_height();
  sim.run_for(20'000);
  CHECK(sim.highest_height() <= before + 1);
  sim.heal();
  CHECK(sim.run_until_height({0, 1, 2, 3}, sim.highest_height() + 3, sim.loop().now() + 120'000));
  // A majority side keeps going while cut off from one node, which catches up after the heal.
  sim.partition({0}, {1, 2, 3});
  const uint64_t h = sim.highest_height();
  CHECK(sim.run_until_height({1, 2, 3}, h + 3, sim.loop().now() + 60'000));
  sim.heal();
  CHECK(sim.run_until_height({0, 1, 2, 3}, h + 5, sim.loop().now() + 60'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
}

TEST_CASE("asymmetric partitions: the others go on without a mute or a deaf node, which catch up after the heal") {
  Simulator sim(seed_from_env(9), 4, honest_nodes(4), k_lossy);
  sim.partition({0}, {1, 2, 3}, /*symmetric=*/false);  // 0's messages are lost, it still hears everyone
  // 0 follows while it receives every commit, but cannot ask for one it missed: only the others must progress.
  CHECK(sim.run_until_height({1, 2, 3}, 6, 120'000));
  sim.heal();
  sim.partition({1, 2, 3}, {0}, /*symmetric=*/false);  // 0 is heard but hears nothing
  const uint64_t deaf_at = sim.height_of(0);
  CHECK(sim.run_until_height({1, 2, 3}, 10, sim.loop().now() + 120'000));
  CHECK(sim.height_of(0) <= deaf_at + 1);
  sim.heal();
  CHECK(sim.run_until_height({0, 1, 2, 3}, 12, sim.loop().now() + 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
}

TEST_CASE("nodes that drift into different rounds converge and commit") {
  // Heavy loss for a while scatters the nodes over rounds; the round skip on f+1 brings them back together.
  Simulator sim(seed_from_env(10), 4, honest_nodes(4), NetworkFaults{0.6, 0.0, 1, 200});
  sim.run_for(20'000);
  sim.faults() = k_lossy;
  CHECK(sim.run_until_height({0, 1, 2, 3}, sim.highest_height() + 4, sim.loop().now() + 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
}

TEST_CASE("a silent proposer costs a round timeout but heights keep committing") {
  auto nodes = honest_nodes(4);
  nodes[0].behaviour = Behaviour::silent_proposer;
  Simulator sim(seed_from_env(11), 4, nodes, k_lossy);
  CHECK(sim.run_until_height({1, 2, 3}, 12, 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
}

TEST_CASE("duplicated, replayed, garbage and far-round messages from a flooder change nothing") {
  auto nodes = honest_nodes(4);
  nodes[3].behaviour = Behaviour::flooder;
  Simulator sim(seed_from_env(12), 4, nodes, NetworkFaults{0.05, 0.5, 1, 40});
  CHECK(sim.run_until_height({0, 1, 2}, 10, 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
}

TEST_CASE("nodes whose clocks run at half and double speed still commit") {
  auto nodes = honest_nodes(4);
  nodes[0].clock_rate = 0.5;
  nodes[1].clock_rate = 2.0;
  nodes[2].clock_rate = 1.3;
  Simulator sim(seed_from_env(13), 4, nodes, k_lossy);
  CHECK(sim.run_until_height({0, 1, 2, 3}, 10, 120'000));
  INFO(sim.summary());
  CHECK(sim.violations().empty());
}
