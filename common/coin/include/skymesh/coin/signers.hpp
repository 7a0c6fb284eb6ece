// Signature owners recovered ahead of the rules. Recovering each signature's public key is most of the cost of
// validating a block, and it needs only the signature and the digest it signs, so a caller may recover a whole
// block's signatures on many threads (recover_owners over disjoint ranges of signature_jobs) and hand the result
// to check_block, check_pool_transaction or make_block: they look each owner up here and recover only what is
// missing themselves (so a missing or failed entry changes no outcome and no message, only the cost).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "skymesh/coin/transaction.hpp"

namespace skymesh::coin {

// One signature to recover: sigs[i] of a transaction with what it signs, SHA256(inner_hash || inputs[i])
// (signed_digest(tx, i)). The digest is left to whoever recovers, so it is hashed once, on that thread.
struct SignatureJob {
  Signature sig;
  Sha256 inner_hash;
  Sha256 input;

  Sha256 digest() const { return cipher::add_sha256(inner_hash, input); }
  friend bool operator==(const SignatureJob&, const SignatureJob&) = default;
};

// Every signature of txs, transaction by transaction, in input order (copies, no hashing). A transaction with more
// signatures than inputs contributes only those that have an input (the rules refuse it anyway).
std::vector<SignatureJob> signature_jobs(std::span<const Transaction> txs);

// owners[i] = the address jobs[i].sig recovers to over jobs[i].digest(), nullopt where no key recovers.
// Precondition: owners.size() == jobs.size(). Thread-safe over disjoint ranges (ctx is only read).
void recover_owners(const cipher::Secp256k1& ctx, std::span<const SignatureJob> jobs,
                    std::span<std::optional<Address>> owners);

// The recovered owners, looked up by (signature, inner hash, input): what the digest is hashed from, so a lookup
// hashes nothing. Read-only once built; safe to share between readers.
class RecoveredSigners {
 public:
  RecoveredSigners() = default;
  // Keeps jobs[i] -> owners[i] wherever owners[i] holds an address. Precondition: equal sizes.
  RecoveredSigners(std::span<const SignatureJob> jobs, std::span<const std::optional<Address>> owners);

  // The address sig recovers to over SHA256(inner_hash || input), or nullptr if it was not recovered here.
  const Address* find(const Signature& sig, const Sha256& inner_hash, const Sha256& input) const;
  std::size_t size() const noexcept { return owners_.size(); }

 private:
  struct JobHasher {
    std::size_t operator()(const SignatureJob& job) const noexcept;
  };
  std::unordered_map<SignatureJob, Address, JobHasher> owners_;
};

// signature_jobs, recover_owners and RecoveredSigners on the calling thread alone (tests, small tools).
RecoveredSigners recover_signers(const cipher::Secp256k1& ctx, std::span<const Transaction> txs);

}  // namespace skymesh::coin
