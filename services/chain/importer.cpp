#include "importer.hpp"

#include <string>

namespace skymesh::chain {

std::string describe_fault(const coin::CoinFault& fault) {
  return std::to_string(static_cast<unsigned>(fault.code)) + " " + fault.to_string();
}

bus::Result<ImportReport> import_blocks(const cipher::Secp256k1& ctx, ChainStore& store, const Network& network,
                                        const std::vector<ApiBlock>& blocks,
                                        const std::function<void(uint64_t seq)>& progress) {
  ImportReport report;
  for (const ApiBlock& api : blocks) {
    const uint64_t seq = api.block.header.seq;
    const std::string name = "block " + std::to_string(seq) + " (" + api.hash.hex() + ")";
    if (std::string mismatch = check_claimed_ids(api); !mismatch.empty()) {
      return bus::Status(bus::ErrorCode::bad_request, mismatch);
    }
    if (store.head() && seq <= store.head()->seq) {
      auto stored = store.block_hash_at(seq);
      if (!stored || *stored != api.hash) {
        return bus::Status(bus::ErrorCode::failed_precondition,
                           name + " differs from the stored block " + std::to_string(seq) + " (" +
                               (stored ? stored->hex() : std::string("missing")) + ")");
      }
      ++report.skipped;
      continue;
    }
    auto effect = store.apply_block(ctx, api.block, std::nullopt, network.genesis);
    if (!effect) return bus::Status(bus::ErrorCode::failed_precondition, name + ": " + describe_fault(effect.fault()));
    ++report.imported;
    if (progress) progress(seq);
  }
  return report;
}

}  // namespace skymesh::chain
