// Simulator: nodes, delivery through the faulty network, and the invariants checked at every commit.
#include "simulator.hpp"

#include <cstdlib>
#include <sstream>

#include "../consensus_fixture.hpp"
#include "skymesh/consensus/certificate.hpp"

namespace skymesh::consensus::sim {

Config Simulator::default_config() {
  Config config;
  config.chain_id = test::k_chain_id;
  config.commit_ms = 250;  // paces heights as a real deployment would; fewer signatures per virtual second
  return config;
}

Simulator::Simulator(uint64_t seed, std::size_t trusted_keys, std::vector<NodeSpec> nodes, NetworkFaults faults,
                     Config config)
    : seed_(seed), rng_(seed), faults_(faults), config_(std::move(config)) {
  keys_ = test::test_keys(trusted_keys);
  trust_.emplace(test::trust_set_of(keys_));
  checker_ = std::make_unique<SignatureChecker>(test::context());
  for (const NodeSpec& spec : nodes) nodes_.push_back(std::make_unique<Node>(spec));
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]->spec.up) start_node(i);
  }
}

Simulator::~Simulator() = default;

void Simulator::start_node(std::size_t i) {
  Node& node = *nodes_[i];
  node.spec.up = true;
  ++node.epoch;
  node.machine = std::make_unique<Machine>(config_, *trust_, keys_.at(node.spec.key), node.app, node.wal, *checker_);
  std::optional<CommitCertificate> head;
  if (!node.chain.empty()) head = node.chain.back().certificate;
  apply(i, node.machine->start(node.chain.size() + 1, std::move(head)));
}

void Simulator::crash(std::size_t i) {
  Node& node = *nodes_[i];
  node.spec.up = false;
  ++node.epoch;
  node.machine.reset();
}

void Simulator::restart(std::size_t i) {
  if (!nodes_[i]->spec.up) start_node(i);
}

void Simulator::block_link(std::size_t from, std::size_t to, bool blocked) {
  if (blocked) {
    blocked_.insert({from, to});
  } else {
    blocked_.erase({from, to});
  }
}

void Simulator::partition(const std::vector<std::size_t>& a, const std::vector<std::size_t>& b, bool symmetric) {
  for (std::size_t x : a) {
    for (std::size_t y : b) {
      block_link(x, y);
      if (symmetric) block_link(y, x);
    }
  }
}

void Simulator::heal() {
  blocked_.clear();
}

void Simulator::apply(std::size_t i, Actions actions) {
  for (Action& action : actions) {
    Node& node = *nodes_[i];
    if (!node.spec.up) return;
    if (auto* b = std::get_if<Broadcast>(&action)) {
      if (node.spec.behaviour == Behaviour::honest) {
        broadcast(i, b->message);
      } else {
        for (auto& [to, message] : faulty_sends(i, b->message)) send(i, to, Packet(encode(message)));
        if (node.spec.behaviour == Behaviour::flooder) {
          Bytes garbage(rng_.below(200));
          for (uint8_t& byte : garbage) byte = static_cast<uint8_t>(rng_.next());
          if (!garbage.empty()) garbage[0] = static_cast<uint8_t>(1 + rng_.below(4));  // a known tag, then junk
          send(i, rng_.below(nodes_.size()), Packet(std::move(garbage)));
        }
      }
    } else if (auto* t = std::get_if<ScheduleTimeout>(&action)) {
      const auto delay = static_cast<uint64_t>(static_cast<double>(t->duration_ms) * node.spec.clock_rate);
      loop_.after(delay, [this, i, epoch = node.epoch, timeout = t->timeout] {
        Node& n = *nodes_[i];
        if (n.spec.up && n.epoch == epoch) apply(i, n.machine->on_timeout(timeout));
      });
    } else if (auto* c = std::get_if<CommitBlock>(&action)) {
      on_commit(i, *c);
    } else if (const auto* e = std::get_if<ReportEvidence>(&action)) {
      ++evidence_;
      check_evidence(i, e->evidence);
    } else if (auto* r = std::get_if<RequestCommits>(&action)) {
      for (std::size_t j = 0; j < nodes_.size(); ++j) {
        if (j != i) send(i, j, Packet(CommitRequest{r->from_height}));
      }
    }
  }
}

void Simulator::broadcast(std::size_t from, const Message& message) {
  const Bytes bytes = encode(message);
  for (std::size_t j = 0; j < nodes_.size(); ++j) {
    if (j != from) send(from, j, Packet(bytes));
  }
}

void Simulator::send(std::size_t from, std::size_t to, Packet packet) {
  if (blocked_.count({from, to}) != 0 || rng_.chance(faults_.drop)) return;
  const int copies = rng_.chance(faults_.duplicate) ? 2 : 1;
  for (int c = 0; c < copies; ++c) {
    loop_.after(rng_.between(faults_.min_delay_ms, faults_.max_delay_ms),
                [this, to, from, packet] { deliver(to, from, packet); });
  }
}

void Simulator::deliver(std::size_t to, std::size_t from, const Packet& packet) {
  Node& node = *nodes_[to];
  if (!node.spec.up) return;
  if (const auto* bytes = std::get_if<Bytes>(&packet)) {
    const Message* message = decode(*bytes);
    if (message == nullptr) return;  // garbage from a flooder
    if (node.spec.behaviour == Behaviour::flooder && node.received.size() < 256) node.received.push_back(*bytes);
    apply(to, node.machine->on_message(*message));
  } else if (const auto* request = std::get_if<CommitRequest>(&packet)) {
    for (uint64_t h = request->from_height; h <= node.chain.size() && h < request->from_height + 8; ++h) {
      if (h >= 1) send(to, from, Packet(node.chain[h - 1]));
    }
  } else {
    const auto& reply = std::get<CommitReply>(packet);
    apply(to, node.machine->on_commit_certificate(reply.certificate, reply.block));
  }
}

const Message* Simulator::decode(const Bytes& bytes) {
  const cipher::Sha256 key = cipher::sha256(bytes);
  auto it = decoded_.find(key);
  if (it == decoded_.end()) {
    auto message = decode_message(test::context(), bytes);
    if (!message) return nullptr;
    it = decoded_.emplace(key, std::move(message).value()).first;
  }
  return &it->second;
}

void Simulator::on_commit(std::size_t i, CommitBlock& commit) {
  Node& node = *nodes_[i];
  std::ostringstream where;
  where << "node " << i << " at height " << commit.height << " (t=" << loop_.now() << "ms): ";
  if (commit.height != node.chain.size() + 1) {
    violations_.push_back(where.str() + "committed out of order after " + std::to_string(node.chain.size()));
  }
  if (!block_is_valid(commit.height, commit.block)) violations_.push_back(where.str() + "committed an invalid block");
  if (!check_committed_block(*checker_, config_.chain_id, *trust_, commit.certificate, commit.block, commit.height)) {
    violations_.push_back(where.str() + "committed with a certificate that does not check");
  }
  const BlockHash hash = cipher::sha256(commit.block);
  auto [it, first] = decided_.emplace(commit.height, hash);
  if (!first && it->second != hash) {
    violations_.push_back(where.str() + "FORK: committed " + hash.hex() + " where another committed " +
                          it->second.hex());
  }
  node.chain.push_back(CommitReply{commit.certificate, commit.block});
}

void Simulator::check_evidence(std::size_t reporter, const Evidence& evidence) {
  const cipher::PublicKey signer = std::holds_alternative<VoteEvidence>(evidence)
                                       ? std::get<VoteEvidence>(evidence).first.signer
                                       : trust_->proposer(std::get<ProposalEvidence>(evidence).first.height,
                                                          std::get<ProposalEvidence>(evidence).first.round);
  std::size_t key = keys_.size();
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    if (keys_[k].public_key == signer) key = k;
  }
  std::size_t processes = 0;
  bool honest = true;
  for (const auto& node : nodes_) {
    if (node->spec.key != key) continue;
    ++processes;
    honest = honest && node->spec.behaviour == Behaviour::honest;
  }
  if (processes == 1 && honest) {
    violations_.push_back("node " + std::to_string(reporter) + " (t=" + std::to_string(loop_.now()) +
                          "ms): evidence against honest key " + std::to_string(key) + ", which signed twice");
  }
}

bool Simulator::run_until_height(const std::vector<std::size_t>& nodes, uint64_t height, uint64_t until) {
  return loop_.run(until, [this, &nodes, height] {
    if (!violations_.empty()) return true;
    for (std::size_t i : nodes) {
      if (height_of(i) < height) return false;
    }
    return true;
  }) && violations_.empty();
}

void Simulator::run_for(uint64_t duration) {
  loop_.run(loop_.now() + duration, [this] { return !violations_.empty(); });
}

uint64_t Simulator::height_of(std::size_t node) const {
  return nodes_.at(node)->chain.size();
}

uint64_t Simulator::highest_height() const {
  uint64_t h = 0;
  for (std::size_t i = 0; i < nodes_.size(); ++i) h = std::max(h, height_of(i));
  return h;
}

std::string Simulator::summary() const {
  std::ostringstream out;
  out << "seed " << seed_ << " (replay: SKYMESH_SIM_SEED=" << seed_ << "), t=" << loop_.now() << "ms, "
      << loop_.events_run() << " events, heights";
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    out << " " << height_of(i);
    if (const Machine* m = nodes_[i]->machine.get()) {
      out << "(r" << m->round() << " s" << static_cast<int>(m->step()) << " L" << m->locked_round() << " V"
          << m->valid_round() << ")";
    }
  }
  out << ", evidence " << evidence_;
  for (const std::string& v : violations_) out << "\n  " << v;
  return out.str();
}

uint64_t seed_from_env(uint64_t fallback) {
  const char* text = std::getenv("SKYMESH_SIM_SEED");
  if (text == nullptr || *text == '\0') return fallback;
  return std::strtoull(text, nullptr, 10);
}

}  // namespace skymesh::consensus::sim
