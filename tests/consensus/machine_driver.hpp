// Drives one Machine by hand in tests: keys by trust-set index, signed proposals and votes from any member, and
// helpers that pick actions out of what the machine returns.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "consensus_fixture.hpp"
#include "skymesh/consensus/machine.hpp"

namespace skymesh::consensus::test {

// Blocks are "block <height> <tag>"; valid when they name the height and the tag is not "bad".
class TestApp : public App {
 public:
  Bytes propose(uint64_t height) override { return block(height, "p" + std::to_string(proposed_++)); }
  bool validate(uint64_t height, ByteView bytes) override {
    return std::string(bytes.begin(), bytes.end()).rfind("block " + std::to_string(height) + " ", 0) == 0 &&
           std::string(bytes.begin(), bytes.end()).find(" bad") == std::string::npos;
  }
  static Bytes block(uint64_t height, const std::string& tag) {
    const std::string text = "block " + std::to_string(height) + " " + tag;
    return Bytes(text.begin(), text.end());
  }

 private:
  int proposed_ = 0;
};

class Driver {
 public:
  explicit Driver(std::size_t n) : trust_(trust_set_of(test_keys(n))), checker_(context()) {
    for (const auto& pub : trust_.keys()) {
      for (const auto& k : test_keys(n)) {
        if (k.public_key == pub) keys_.push_back(k);
      }
    }
  }
  static Config config() {
    Config c;
    c.chain_id = k_chain_id;
    return c;
  }
  const TrustSet& trust() const { return trust_; }
  SignatureChecker& checker() { return checker_; }
  const cipher::KeyPair& key(std::size_t index) const { return keys_.at(index); }
  std::unique_ptr<Machine> machine(std::size_t index, App& app, Wal& wal, Config c = config()) {
    return std::make_unique<Machine>(c, trust_, key(index), app, wal, checker_);
  }
  // A member that does not propose (height, round).
  std::size_t not_proposer(uint64_t height, uint32_t round) const {
    return (trust_.proposer_index(height, round) + 1) % trust_.size();
  }
  Proposal proposal(uint64_t height, uint32_t round, Bytes block, int32_t valid_round = -1) const {
    return sign_proposal(context(), k_chain_id, height, round, std::move(block), valid_round,
                         key(trust_.proposer_index(height, round)).secret_key);
  }
  Vote vote(VoteKind kind, uint64_t height, uint32_t round, const BlockHash& hash, std::size_t index) const {
    return sign_vote(context(), k_chain_id, kind, height, round, hash, key(index));
  }
  // Feeds votes of `kind` for `hash` from every member in `from` and returns all actions.
  Actions votes(Machine& m, VoteKind kind, uint64_t height, uint32_t round, const BlockHash& hash,
                const std::vector<std::size_t>& from) const {
    Actions all;
    for (std::size_t i : from) {
      Actions a = m.on_vote(vote(kind, height, round, hash, i));
      all.insert(all.end(), a.begin(), a.end());
    }
    return all;
  }

 private:
  TrustSet trust_;
  std::vector<cipher::KeyPair> keys_;
  SignatureChecker checker_;
};

inline std::vector<Vote> sent_votes(const Actions& actions) {
  std::vector<Vote> out;
  for (const Action& a : actions) {
    if (const auto* b = std::get_if<Broadcast>(&a)) {
      if (const auto* v = std::get_if<Vote>(&b->message)) out.push_back(*v);
    }
  }
  return out;
}

inline std::vector<Proposal> sent_proposals(const Actions& actions) {
  std::vector<Proposal> out;
  for (const Action& a : actions) {
    if (const auto* b = std::get_if<Broadcast>(&a)) {
      if (const auto* p = std::get_if<Proposal>(&b->message)) out.push_back(*p);
    }
  }
  return out;
}

template <typename T>
std::vector<T> actions_of(const Actions& actions) {
  std::vector<T> out;
  for (const Action& a : actions) {
    if (const auto* t = std::get_if<T>(&a)) out.push_back(*t);
  }
  return out;
}

inline void append(Actions& to, Actions more) {
  to.insert(to.end(), more.begin(), more.end());
}

}  // namespace skymesh::consensus::test
