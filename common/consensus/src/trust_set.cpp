// TrustSet: sorted keys, quorum arithmetic and the proposer rotation.
#include "skymesh/consensus/trust_set.hpp"

#include <algorithm>

namespace skymesh::consensus {

Result<TrustSet> TrustSet::create(std::vector<cipher::PublicKey> keys) {
  if (keys.empty()) return ConsensusFault{ConsensusError::invalid_trust_set, "a trust set needs at least one key"};
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return TrustSet(std::move(keys));
}

std::optional<std::size_t> TrustSet::index_of(const cipher::PublicKey& key) const {
  auto it = std::lower_bound(keys_.begin(), keys_.end(), key);
  if (it == keys_.end() || *it != key) return std::nullopt;
  return static_cast<std::size_t>(it - keys_.begin());
}

std::size_t TrustSet::proposer_index(uint64_t height, uint32_t round) const {
  // Computed modulo n on each term so the sum cannot wrap.
  const uint64_t n = keys_.size();
  return static_cast<std::size_t>((height % n + round % n) % n);
}

}  // namespace skymesh::consensus
