// Signature owners recovered ahead of the rules (see signers.hpp).
#include "skymesh/coin/signers.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace skymesh::coin {

std::vector<SignatureJob> signature_jobs(std::span<const Transaction> txs) {
  std::vector<SignatureJob> jobs;
  for (const Transaction& tx : txs) {
    const std::size_t count = std::min(tx.sigs.size(), tx.inputs.size());
    for (std::size_t i = 0; i < count; ++i) jobs.push_back({tx.sigs[i], tx.inner_hash, tx.inputs[i]});
  }
  return jobs;
}

void recover_owners(const cipher::Secp256k1& ctx, std::span<const SignatureJob> jobs,
                    std::span<std::optional<Address>> owners) {
  if (owners.size() != jobs.size()) throw std::invalid_argument("recover_owners: one owner slot per job");
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    auto pub = cipher::recover_public_key(ctx, jobs[i].sig, jobs[i].digest());
    owners[i] = pub ? std::optional<Address>(Address::from_public_key(pub.value())) : std::nullopt;
  }
}

RecoveredSigners::RecoveredSigners(std::span<const SignatureJob> jobs, std::span<const std::optional<Address>> owners) {
  if (owners.size() != jobs.size()) throw std::invalid_argument("RecoveredSigners: one owner per job");
  owners_.reserve(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (owners[i]) owners_.emplace(jobs[i], *owners[i]);
  }
}

const Address* RecoveredSigners::find(const Signature& sig, const Sha256& inner_hash, const Sha256& input) const {
  auto it = owners_.find(SignatureJob{sig, inner_hash, input});
  return it == owners_.end() ? nullptr : &it->second;
}

std::size_t RecoveredSigners::JobHasher::operator()(const SignatureJob& job) const noexcept {
  // Both are uniform bytes (an output id; a signature's r): any 8 of each make a good hash. (The inner hash is
  // common to a transaction's inputs: it adds nothing.)
  std::size_t a, b;
  std::memcpy(&a, job.input.data(), sizeof a);
  std::memcpy(&b, job.sig.data(), sizeof b);
  return a ^ (b * 0x9e3779b97f4a7c15ull);
}

RecoveredSigners recover_signers(const cipher::Secp256k1& ctx, std::span<const Transaction> txs) {
  const std::vector<SignatureJob> jobs = signature_jobs(txs);
  std::vector<std::optional<Address>> owners(jobs.size());
  recover_owners(ctx, jobs, owners);
  return RecoveredSigners(jobs, owners);
}

}  // namespace skymesh::coin
