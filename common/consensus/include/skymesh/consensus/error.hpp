// Errors of the consensus library as values: a message that does not decode, a signature that does not verify,
// a certificate short of a quorum. Numbers are stable (never reused, never change meaning) so the consensus
// serverlet can send them over the bus.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "skymesh/base/expected.hpp"

namespace skymesh::consensus {

enum class ConsensusError : uint16_t {
  malformed = 1,            // the bytes do not decode (the message names the coin decoder's fault)
  unknown_message = 2,      // a message tag this version does not know
  unknown_signer = 3,       // the signer is not in the trust set
  invalid_signature = 4,    // the signature was not made by the signer over these sign bytes
  wrong_proposer = 5,       // a proposal signed by someone other than the proposer of (height, round)
  block_hash_mismatch = 6,  // a proposal whose block hash is not SHA-256 of its block
  not_a_quorum = 7,         // a certificate with fewer distinct valid precommits than the quorum
  duplicate_signer = 8,     // one signer twice in a certificate
  wrong_height = 9,         // a certificate for another height than the one asked for
  nil_certificate = 10,     // a certificate for the nil block
  invalid_block = 11,       // the application refuses the block a certificate commits
  invalid_trust_set = 12,   // an empty trust set
};

// Stable lower-case name, e.g. "not_a_quorum".
std::string_view consensus_error_name(ConsensusError code);

struct ConsensusFault {
  ConsensusError code;
  std::string message;
  // "code_name: message"
  std::string to_string() const;
};

class ConsensusException : public std::runtime_error {
 public:
  explicit ConsensusException(const ConsensusFault& fault) : std::runtime_error(fault.to_string()), code_(fault.code) {}
  ConsensusError code() const noexcept { return code_; }

 private:
  ConsensusError code_;
};

// A value or a ConsensusFault (skymesh/base/expected.hpp); reading the value of a failed Result throws
// ConsensusException. Result<void> is the result of a check.
template <typename T>
using Result = base::Expected<T, ConsensusFault, ConsensusException>;

using Check = Result<void>;

}  // namespace skymesh::consensus
