// Certificate checking: height, non-nil block, distinct trusted signers, valid signatures, quorum.
#include "skymesh/consensus/certificate.hpp"

#include <set>
#include <string>

namespace skymesh::consensus {

Check check_certificate(SignatureChecker& checker, std::string_view chain_id, const TrustSet& trust,
                        const CommitCertificate& certificate, uint64_t height) {
  const std::string where =
      "certificate " + std::to_string(certificate.height) + "/" + std::to_string(certificate.round);
  if (certificate.height != height) {
    return ConsensusFault{ConsensusError::wrong_height,
                          where + " where height " + std::to_string(height) + " was expected"};
  }
  if (certificate.block_hash.is_null()) return ConsensusFault{ConsensusError::nil_certificate, where + " is for nil"};
  std::set<std::size_t> signers;
  for (const Vote& vote : certificate.precommits) {
    if (vote.kind != VoteKind::precommit || vote.height != certificate.height || vote.round != certificate.round ||
        vote.block_hash != certificate.block_hash) {
      return ConsensusFault{ConsensusError::invalid_signature, where + " holds a vote for something else"};
    }
    auto index = trust.index_of(vote.signer);
    if (!index) {
      return ConsensusFault{ConsensusError::unknown_signer, where + ": " + vote.signer.hex() + " is not trusted"};
    }
    if (!signers.insert(*index).second) {
      return ConsensusFault{ConsensusError::duplicate_signer, where + ": " + vote.signer.hex() + " signs twice"};
    }
    if (Check ok = verify_vote(checker, chain_id, trust, vote); !ok) {
      return ConsensusFault{ok.fault().code, where + ": " + ok.fault().message};
    }
  }
  if (signers.size() < trust.quorum()) {
    return ConsensusFault{
        ConsensusError::not_a_quorum,
        where + " has " + std::to_string(signers.size()) + " signers, the quorum is " + std::to_string(trust.quorum())};
  }
  return {};
}

Check check_committed_block(SignatureChecker& checker, std::string_view chain_id, const TrustSet& trust,
                            const CommitCertificate& certificate, ByteView block, uint64_t height) {
  if (Check ok = check_certificate(checker, chain_id, trust, certificate, height); !ok) return ok;
  if (cipher::sha256(block) != certificate.block_hash) {
    return ConsensusFault{ConsensusError::block_hash_mismatch,
                          "block given with certificate " + std::to_string(height) + " hashes to another value"};
  }
  return {};
}

}  // namespace skymesh::consensus
