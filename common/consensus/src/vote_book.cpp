// VoteBook: per-(round, kind) tallies of one height.
#include "skymesh/consensus/vote_book.hpp"

namespace skymesh::consensus {

VoteBook::AddResult VoteBook::add(const Vote& vote, std::size_t signer_index) {
  Tally& tally = tallies_[{vote.round, vote.kind}];
  round_signers_[vote.round].insert(signer_index);
  std::vector<Vote>& held = tally.by_signer[signer_index];
  for (const Vote& v : held) {
    if (v.block_hash == vote.block_hash) return {Added::duplicate, std::nullopt};
  }
  if (held.size() >= k_max_hashes_per_signer) return {Added::conflict_again, held.front()};
  held.push_back(vote);
  ++tally.by_hash[vote.block_hash];
  if (held.size() == 1) return {Added::added, std::nullopt};
  if (!tally.caught.insert(signer_index).second) return {Added::conflict_again, held.front()};
  return {Added::conflict, held.front()};
}

const VoteBook::Tally* VoteBook::find(uint32_t round, VoteKind kind) const {
  auto it = tallies_.find({round, kind});
  return it == tallies_.end() ? nullptr : &it->second;
}

std::size_t VoteBook::count(uint32_t round, VoteKind kind, const BlockHash& hash) const {
  const Tally* tally = find(round, kind);
  if (tally == nullptr) return 0;
  auto it = tally->by_hash.find(hash);
  return it == tally->by_hash.end() ? 0 : it->second;
}

std::size_t VoteBook::count_any(uint32_t round, VoteKind kind) const {
  const Tally* tally = find(round, kind);
  return tally == nullptr ? 0 : tally->by_signer.size();
}

std::optional<BlockHash> VoteBook::block_with(uint32_t round, VoteKind kind, std::size_t threshold) const {
  const Tally* tally = find(round, kind);
  if (tally == nullptr) return std::nullopt;
  for (const auto& [hash, n] : tally->by_hash) {
    if (!hash.is_null() && n >= threshold) return hash;
  }
  return std::nullopt;
}

std::vector<Vote> VoteBook::votes_for(uint32_t round, VoteKind kind, const BlockHash& hash) const {
  std::vector<Vote> out;
  if (const Tally* tally = find(round, kind)) {
    for (const auto& [signer, votes] : tally->by_signer) {
      for (const Vote& vote : votes) {
        if (vote.block_hash == hash) out.push_back(vote);
      }
    }
  }
  return out;
}

std::size_t VoteBook::signers_in(uint32_t round) const {
  auto it = round_signers_.find(round);
  return it == round_signers_.end() ? 0 : it->second.size();
}

std::vector<uint32_t> VoteBook::rounds_above(uint32_t round) const {
  std::vector<uint32_t> out;
  for (auto it = round_signers_.rbegin(); it != round_signers_.rend() && it->first > round; ++it) {
    out.push_back(it->first);
  }
  return out;
}

std::vector<uint32_t> VoteBook::precommit_rounds() const {
  std::vector<uint32_t> out;
  for (const auto& [key, tally] : tallies_) {
    if (key.second == VoteKind::precommit) out.push_back(key.first);
  }
  return out;
}

}  // namespace skymesh::consensus
