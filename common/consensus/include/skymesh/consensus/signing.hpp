// Sign bytes and signatures of proposals and votes. The sign bytes are domain-separated: a fixed protocol
// string, the chain id, the message tag, then the fields, so a signature for one chain, kind or message can never
// be replayed as another. Signatures are Skycoin's recoverable secp256k1 signatures over SHA-256 of those bytes.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/consensus/messages.hpp"
#include "skymesh/consensus/trust_set.hpp"

namespace skymesh::consensus {

inline constexpr std::string_view k_sign_domain = "skymesh.consensus.v1";

cipher::Sha256 proposal_digest(std::string_view chain_id, uint64_t height, uint32_t round, const BlockHash& block_hash,
                               int32_t valid_round);
cipher::Sha256 vote_digest(std::string_view chain_id, VoteKind kind, uint64_t height, uint32_t round,
                           const BlockHash& block_hash);

Proposal sign_proposal(const cipher::Secp256k1& ctx, std::string_view chain_id, uint64_t height, uint32_t round,
                       Bytes block, int32_t valid_round, const cipher::SecretKey& secret);
Vote sign_vote(const cipher::Secp256k1& ctx, std::string_view chain_id, VoteKind kind, uint64_t height, uint32_t round,
               const BlockHash& block_hash, const cipher::KeyPair& keys);

// Verifies signatures and remembers the ones that passed (up to capacity, then it starts afresh), so a vote that
// arrives again through gossip or a duplicating network costs one lookup. A pure memo: the answer never differs
// from a fresh verification, so one checker may be shared by many machines of one thread. Not thread-safe.
class SignatureChecker {
 public:
  explicit SignatureChecker(const cipher::Secp256k1& ctx, std::size_t capacity = 1 << 16)
      : ctx_(ctx), capacity_(capacity) {}
  bool verify(const cipher::PublicKey& signer, const cipher::Signature& signature, const cipher::Sha256& digest);
  const cipher::Secp256k1& context() const noexcept { return ctx_; }

 private:
  const cipher::Secp256k1& ctx_;
  std::size_t capacity_;
  std::set<cipher::Sha256> verified_;  // SHA-256(signer || signature || digest)
};

// The proposal's block hashes to block_hash and it was signed by the proposer of its (height, round).
Check verify_proposal(SignatureChecker& checker, std::string_view chain_id, const TrustSet& trust,
                      const Proposal& proposal);
// The vote's signer is in the trust set and signed it.
Check verify_vote(SignatureChecker& checker, std::string_view chain_id, const TrustSet& trust, const Vote& vote);

}  // namespace skymesh::consensus
