// Names of ConsensusError and the fault's text form.
#include "skymesh/consensus/error.hpp"

namespace skymesh::consensus {

std::string_view consensus_error_name(ConsensusError code) {
  switch (code) {
    case ConsensusError::malformed:
      return "malformed";
    case ConsensusError::unknown_message:
      return "unknown_message";
    case ConsensusError::unknown_signer:
      return "unknown_signer";
    case ConsensusError::invalid_signature:
      return "invalid_signature";
    case ConsensusError::wrong_proposer:
      return "wrong_proposer";
    case ConsensusError::block_hash_mismatch:
      return "block_hash_mismatch";
    case ConsensusError::not_a_quorum:
      return "not_a_quorum";
    case ConsensusError::duplicate_signer:
      return "duplicate_signer";
    case ConsensusError::wrong_height:
      return "wrong_height";
    case ConsensusError::nil_certificate:
      return "nil_certificate";
    case ConsensusError::invalid_block:
      return "invalid_block";
    case ConsensusError::invalid_trust_set:
      return "invalid_trust_set";
  }
  return "unknown";
}

std::string ConsensusFault::to_string() const {
  return std::string(consensus_error_name(code)) + ": " + message;
}

}  // namespace skymesh::consensus
