#include "importer.hpp"

#include <optional>
#include <string>

#include "block_pipeline.hpp"

namespace skymesh::chain {

std::string describe_fault(const coin::CoinFault& fault) {
  return std::to_string(static_cast<unsigned>(fault.code)) + " " + fault.to_string();
}

bus::Result<ImportReport> import_blocks(const cipher::Secp256k1& ctx, ChainStore& store, const Network& network,
                                        const std::vector<ApiBlock>& blocks,
                                        const std::function<void(uint64_t seq)>& progress, SignatureWorkers* workers) {
  std::optional<SignatureWorkers> own_workers;
  if (workers == nullptr) workers = &own_workers.emplace();
  // Blocks are submitted: each one's sync overlaps the next one's checks. Every return flushes first, so the store
  // is settled (and a write's StoreError thrown) before the caller looks at it.
  BlockPipeline pipeline(ctx, store, *workers);
  // The block submitted last, whose write may still be syncing: reported once it is written.
  bool in_flight = false;
  uint64_t in_flight_seq = 0;
  auto written = [&in_flight, &in_flight_seq, &progress]() {
    if (in_flight && progress) progress(in_flight_seq);
    in_flight = false;
  };
  auto settled = [&pipeline, &written](bus::Result<ImportReport> result) {
    pipeline.flush();
    written();
    return result;
  };
  ImportReport report;
  std::vector<const coin::Block*> upcoming;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const ApiBlock& api = blocks[i];
    const uint64_t seq = api.block.header.seq;
    const std::string name = "block " + std::to_string(seq) + " (" + api.hash.hex() + ")";
    if (std::string mismatch = check_claimed_ids(api); !mismatch.empty()) {
      return settled(bus::Status(bus::ErrorCode::bad_request, mismatch));
    }
    if (const auto head = pipeline.head(); head && seq <= head->seq) {
      pipeline.flush();
      written();
      auto stored = store.block_hash_at(seq);
      if (!stored || *stored != api.hash) {
        return bus::Status(bus::ErrorCode::failed_precondition,
                           name + " differs from the stored block " + std::to_string(seq) + " (" +
                               (stored ? stored->hex() : std::string("missing")) + ")");
      }
      ++report.skipped;
      continue;
    }
    upcoming.clear();
    for (size_t j = i + 1; j < blocks.size() && upcoming.size() < BlockPipeline::k_lookahead; ++j) {
      upcoming.push_back(&blocks[j].block);
    }
    auto effect = pipeline.submit(api.block, std::nullopt, network.genesis, upcoming);
    if (!effect) {
      return settled(bus::Status(bus::ErrorCode::failed_precondition, name + ": " + describe_fault(effect.fault())));
    }
    ++report.imported;
    // submit() waited for the write of the block before this one: that one is durable now.
    written();
    in_flight = true;
    in_flight_seq = seq;
  }
  return settled(report);
}

}  // namespace skymesh::chain
