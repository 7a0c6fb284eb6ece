// Domain-separated sign bytes, signing, and verification with a memo of signatures already checked.
#include "skymesh/consensus/signing.hpp"

#include <array>

namespace skymesh::consensus {

namespace {

coin::Encoder sign_prefix(std::string_view chain_id, MessageTag tag, uint64_t height, uint32_t round) {
  coin::Encoder out(96);
  out.string(k_sign_domain);
  out.string(chain_id);
  out.u8(static_cast<uint8_t>(tag));
  out.u64(height);
  out.u32(round);
  return out;
}

}  // namespace

cipher::Sha256 proposal_digest(std::string_view chain_id, uint64_t height, uint32_t round, const BlockHash& block_hash,
                               int32_t valid_round) {
  coin::Encoder out = sign_prefix(chain_id, MessageTag::proposal, height, round);
  out.raw(block_hash.view());
  out.i32(valid_round);
  return cipher::sha256(out.data());
}

cipher::Sha256 vote_digest(std::string_view chain_id, VoteKind kind, uint64_t height, uint32_t round,
                           const BlockHash& block_hash) {
  coin::Encoder out = sign_prefix(chain_id, static_cast<MessageTag>(kind), height, round);
  out.raw(block_hash.view());
  return cipher::sha256(out.data());
}

Proposal sign_proposal(const cipher::Secp256k1& ctx, std::string_view chain_id, uint64_t height, uint32_t round,
                       Bytes block, int32_t valid_round, const cipher::SecretKey& secret) {
  Proposal p;
  p.height = height;
  p.round = round;
  p.block_hash = cipher::sha256(block);
  p.block = std::move(block);
  p.valid_round = valid_round;
  p.signature = cipher::sign(ctx, proposal_digest(chain_id, height, round, p.block_hash, valid_round), secret);
  return p;
}

Vote sign_vote(const cipher::Secp256k1& ctx, std::string_view chain_id, VoteKind kind, uint64_t height, uint32_t round,
               const BlockHash& block_hash, const cipher::KeyPair& keys) {
  const auto digest = vote_digest(chain_id, kind, height, round, block_hash);
  return Vote{kind, height, round, block_hash, keys.public_key, cipher::sign(ctx, digest, keys.secret_key)};
}

bool SignatureChecker::verify(const cipher::PublicKey& signer, const cipher::Signature& signature,
                              const cipher::Sha256& digest) {
  coin::Encoder memo_key(33 + 65 + 32);
  memo_key.raw(signer.view());
  memo_key.raw(signature.view());
  memo_key.raw(digest.view());
  const cipher::Sha256 memo = cipher::sha256(memo_key.data());
  if (verified_.count(memo) != 0) return true;
  if (!cipher::verify(ctx_, signer, signature, digest)) return false;
  if (verified_.size() >= capacity_) verified_.clear();
  verified_.insert(memo);
  return true;
}

Check verify_proposal(SignatureChecker& checker, std::string_view chain_id, const TrustSet& trust,
                      const Proposal& proposal) {
  if (cipher::sha256(proposal.block) != proposal.block_hash) {
    return ConsensusFault{ConsensusError::block_hash_mismatch, "proposal " + std::to_string(proposal.height) + "/" +
                                                                   std::to_string(proposal.round) + " names block " +
                                                                   proposal.block_hash.hex() + " but carries another"};
  }
  const cipher::PublicKey& proposer = trust.proposer(proposal.height, proposal.round);
  const auto digest =
      proposal_digest(chain_id, proposal.height, proposal.round, proposal.block_hash, proposal.valid_round);
  if (!checker.verify(proposer, proposal.signature, digest)) {
    return ConsensusFault{ConsensusError::wrong_proposer, "proposal " + std::to_string(proposal.height) + "/" +
                                                              std::to_string(proposal.round) +
                                                              " is not signed by its proposer " + proposer.hex()};
  }
  return {};
}

Check verify_vote(SignatureChecker& checker, std::string_view chain_id, const TrustSet& trust, const Vote& vote) {
  if (!trust.index_of(vote.signer)) {
    return ConsensusFault{ConsensusError::unknown_signer, "vote signer " + vote.signer.hex() + " is not trusted"};
  }
  const auto digest = vote_digest(chain_id, vote.kind, vote.height, vote.round, vote.block_hash);
  if (!checker.verify(vote.signer, vote.signature, digest)) {
    return ConsensusFault{ConsensusError::invalid_signature,
                          std::string(vote_kind_name(vote.kind)) + " " + std::to_string(vote.height) + "/" +
                              std::to_string(vote.round) + " by " + vote.signer.hex() + " does not verify"};
  }
  return {};
}

}  // namespace skymesh::consensus
