// The trust set: the public keys of the block-making nodes, sorted so every node numbers them alike. With n keys,
// a quorum is floor(2n/3)+1 and at most f = n - quorum may be faulty; f+1 signers always include an honest one.
// The proposer of (height, round) is key (height + round) mod n.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "skymesh/cipher/keys.hpp"
#include "skymesh/consensus/error.hpp"

namespace skymesh::consensus {

class TrustSet {
 public:
  // Sorts and removes duplicates; refuses an empty set (invalid_trust_set).
  static Result<TrustSet> create(std::vector<cipher::PublicKey> keys);

  std::size_t size() const noexcept { return keys_.size(); }
  std::size_t quorum() const noexcept { return 2 * keys_.size() / 3 + 1; }
  std::size_t max_faulty() const noexcept { return keys_.size() - quorum(); }
  // f+1: enough signers that one of them is honest.
  std::size_t one_honest() const noexcept { return max_faulty() + 1; }
  const std::vector<cipher::PublicKey>& keys() const noexcept { return keys_; }
  const cipher::PublicKey& key(std::size_t index) const { return keys_.at(index); }
  std::optional<std::size_t> index_of(const cipher::PublicKey& key) const;
  std::size_t proposer_index(uint64_t height, uint32_t round) const;
  const cipher::PublicKey& proposer(uint64_t height, uint32_t round) const {
    return key(proposer_index(height, round));
  }

 private:
  explicit TrustSet(std::vector<cipher::PublicKey> keys) : keys_(std::move(keys)) {}
  std::vector<cipher::PublicKey> keys_;
};

}  // namespace skymesh::consensus
