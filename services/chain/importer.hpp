// Importing a chain from Skycoin's node-API JSON: every block's ids are recomputed and compared with the file's,
// then the block is held to the hard rules and written (one LMDB transaction per block). Blocks the store already
// holds (seq <= head) must be the very same blocks and are skipped, so an interrupted import can simply be run
// again.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "block_json.hpp"
#include "chain_store.hpp"
#include "network.hpp"
#include "signature_workers.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::chain {

struct ImportReport {
  uint64_t imported = 0;  // blocks written
  uint64_t skipped = 0;   // blocks already in the store
};

// Stops at the first block that fails: bad_request when the file's ids do not match the block or the block
// differs from a stored one; failed_precondition for a broken rule, the message "block SEQ (HASH): CODE NAME:
// detail". `progress` (may be empty) is called after each written block with its seq. StoreError propagates.
// Blocks go through BlockPipeline::submit on `workers` (a pool of its own when null): each block's sync overlaps
// the next block's checks; the store is settled when this returns.
bus::Result<ImportReport> import_blocks(const cipher::Secp256k1& ctx, ChainStore& store, const Network& network,
                                        const std::vector<ApiBlock>& blocks,
                                        const std::function<void(uint64_t seq)>& progress = {},
                                        SignatureWorkers* workers = nullptr);

// "code name: message" for a coin rule, e.g. "41 signature_not_owner: transaction 0 (...)".
std::string describe_fault(const coin::CoinFault& fault);

}  // namespace skymesh::chain
