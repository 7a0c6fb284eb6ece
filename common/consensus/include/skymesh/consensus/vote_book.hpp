// The votes of one height: tallies by block hash, the signers seen in each round (for the round skip), and
// detection of a signer's second, different vote (evidence). A signer counts at most once per (round, kind,
// block hash). An equivocator's conflicting votes each count toward their own block's tally (as Tendermint's
// vote sets do), up to k_max_hashes_per_signer: otherwise nodes that heard different halves of an equivocation
// could never agree on which quorum exists. Safety does not suffer: every tally is still a set of distinct
// signers of that one hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "skymesh/consensus/messages.hpp"

namespace skymesh::consensus {

class VoteBook {
 public:
  static constexpr std::size_t k_max_hashes_per_signer = 4;
  enum class Added { added, duplicate, conflict, conflict_again };
  // conflict: the signer's first vote for (round, kind) named another block; `first` is it. conflict_again: a
  // further conflicting vote from a signer already caught.
  struct AddResult {
    Added outcome;
    std::optional<Vote> first;
  };
  AddResult add(const Vote& vote, std::size_t signer_index);
  // A signer seen at `round` through something other than a vote (its proposal).
  void note_signer(uint32_t round, std::size_t signer_index) { round_signers_[round].insert(signer_index); }

  std::size_t count(uint32_t round, VoteKind kind, const BlockHash& hash) const;
  std::size_t count_any(uint32_t round, VoteKind kind) const;
  // A non-nil block hash with at least `threshold` votes of this kind in this round.
  std::optional<BlockHash> block_with(uint32_t round, VoteKind kind, std::size_t threshold) const;
  std::vector<Vote> votes_for(uint32_t round, VoteKind kind, const BlockHash& hash) const;
  std::size_t signers_in(uint32_t round) const;
  // Rounds above `round` where some signer was seen, highest first.
  std::vector<uint32_t> rounds_above(uint32_t round) const;
  // Rounds holding precommits.
  std::vector<uint32_t> precommit_rounds() const;

 private:
  struct Tally {
    std::map<std::size_t, std::vector<Vote>> by_signer;
    std::map<BlockHash, std::size_t> by_hash;
    std::set<std::size_t> caught;
  };
  const Tally* find(uint32_t round, VoteKind kind) const;
  std::map<std::pair<uint32_t, VoteKind>, Tally> tallies_;
  std::map<uint32_t, std::set<std::size_t>> round_signers_;
};

}  // namespace skymesh::consensus
