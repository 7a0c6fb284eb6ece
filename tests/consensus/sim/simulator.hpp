// A deterministic simulation of n nodes running the real Machine over a faulty network: drops, delays (and so
// reordering), duplicates, symmetric and asymmetric partitions, per-node clock rates, crashes and restarts that
// keep the WAL and the committed chain, and faulty behaviours (equivocating proposer, double voter, silent
// proposer, flooder, nodes sharing a key). Every commit is checked against the invariants as it happens, and so
// is every piece of evidence: none may name a key held by one honest process.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "event_loop.hpp"
#include "sim_app.hpp"
#include "skymesh/consensus/machine.hpp"

namespace skymesh::consensus::sim {

enum class Behaviour { honest, equivocating_proposer, double_voter, silent_proposer, flooder };

struct NodeSpec {
  std::size_t key = 0;  // index of the signing key; two nodes may share one
  Behaviour behaviour = Behaviour::honest;
  double clock_rate = 1.0;  // timeouts last duration * clock_rate of virtual time
  bool up = true;           // false: crashed from the start
};

struct NetworkFaults {
  double drop = 0.0;
  double duplicate = 0.0;
  uint64_t min_delay_ms = 1;
  uint64_t max_delay_ms = 20;
};

struct CommitRequest {
  uint64_t from_height;
};
struct CommitReply {
  CommitCertificate certificate;
  Bytes block;
};
using Packet = std::variant<Bytes, CommitRequest, CommitReply>;  // Bytes: an encoded Message

class Simulator {
 public:
  // keys: the trust set is all of them; nodes name theirs by index.
  Simulator(uint64_t seed, std::size_t trusted_keys, std::vector<NodeSpec> nodes, NetworkFaults faults,
            Config config = default_config());
  ~Simulator();
  static Config default_config();

  EventLoop& loop() { return loop_; }
  Rng& rng() { return rng_; }
  NetworkFaults& faults() { return faults_; }
  std::size_t size() const { return nodes_.size(); }

  void crash(std::size_t node);
  void restart(std::size_t node);
  // Messages from `from` to `to` are lost (one direction only).
  void block_link(std::size_t from, std::size_t to, bool blocked = true);
  // Cuts every link between the two groups, both ways or only a -> b.
  void partition(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b, bool symmetric = true);
  void heal();

  // Runs until every node in `nodes` has committed `height`, or virtual time `until`. Returns whether they did.
  bool run_until_height(const std::vector<std::size_t>& nodes, uint64_t height, uint64_t until);
  void run_for(uint64_t duration);

  uint64_t height_of(std::size_t node) const;  // committed blocks
  uint64_t highest_height() const;
  std::size_t evidence_count() const { return evidence_; }
  // Empty while every invariant holds; otherwise what broke, first failure first.
  const std::vector<std::string>& violations() const { return violations_; }
  std::string summary() const;

 private:
  struct Node {
    explicit Node(NodeSpec s) : spec(s), app(static_cast<uint32_t>(s.key)) {}
    NodeSpec spec;
    SimApp app;
    MemoryWal wal;  // outlives the machine: a crash keeps it
    std::unique_ptr<Machine> machine;
    std::vector<CommitReply> chain;  // block h at index h - 1; kept across crashes like the chain store
    uint64_t epoch = 0;              // bumped by crash and restart; timers of an older epoch are void
    std::vector<Bytes> received;     // what a flooder replays
  };
  void start_node(std::size_t i);
  void apply(std::size_t i, Actions actions);
  void send(std::size_t from, std::size_t to, Packet packet);
  void broadcast(std::size_t from, const Message& message);
  void deliver(std::size_t to, std::size_t from, const Packet& packet);
  void on_commit(std::size_t i, CommitBlock& commit);
  // Evidence against a key that one honest process holds means the WAL failed to stop a double signature.
  void check_evidence(std::size_t reporter, const Evidence& evidence);
  // decode_message, remembered by SHA-256 of the bytes: parsing the public keys is the costly part and the same
  // bytes arrive many times. Null for bytes that do not decode.
  const Message* decode(const Bytes& bytes);
  // Faulty behaviours rewrite what a node broadcasts (byzantine.cpp).
  std::vector<std::pair<std::size_t, Message>> faulty_sends(std::size_t from, const Message& message);

  uint64_t seed_;
  EventLoop loop_;
  Rng rng_;
  NetworkFaults faults_;
  Config config_;
  std::vector<cipher::KeyPair> keys_;
  std::optional<TrustSet> trust_;
  std::unique_ptr<SignatureChecker> checker_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::set<std::pair<std::size_t, std::size_t>> blocked_;
  std::map<cipher::Sha256, Message> decoded_;
  std::map<uint64_t, BlockHash> decided_;  // the first block committed at each height, by anyone
  std::vector<std::string> violations_;
  std::size_t evidence_ = 0;
};

// The seed to run: SKYMESH_SIM_SEED when set, else `fallback`.
uint64_t seed_from_env(uint64_t fallback);

}  // namespace skymesh::consensus::sim
