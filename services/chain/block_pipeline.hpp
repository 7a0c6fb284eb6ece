// The one path by which blocks enter the store: every signature of a block is recovered on the workers (all
// cores), then ChainStore::apply_block checks the hard rules with those owners and writes the block in one synced
// LMDB transaction. Given the blocks expected next, their signatures are recovered while this one is checked and
// written (up to k_lookahead blocks ahead), so the cores stay busy through the commit's sync. Used by the import,
// the serverlet and bench_chain.
//
// Not thread-safe: one owner, like the store. The recovered owners are keyed by signature and digest, so they can
// never give a wrong answer; a block announced ahead that does not come only wastes its recovery.
#pragma once

#include <deque>
#include <exception>
#include <optional>
#include <span>
#include <thread>

#include "chain_store.hpp"
#include "signature_workers.hpp"

namespace skymesh::chain {

class BlockPipeline {
 public:
  // Blocks whose recovery may run ahead of the one being applied: enough to cover a slow sync, few enough that
  // a failed import wastes little.
  static constexpr size_t k_lookahead = 3;

  // Borrows all three; they must outlive the pipeline.
  BlockPipeline(const cipher::Secp256k1& ctx, ChainStore& store, SignatureWorkers& workers)
      : ctx_(ctx), store_(store), workers_(workers) {}

  ~BlockPipeline();  // waits for a write in flight (its error, if any, is lost: call flush())
  BlockPipeline(const BlockPipeline&) = delete;
  BlockPipeline& operator=(const BlockPipeline&) = delete;

  // ChainStore::apply_block(block, sig, genesis) with the signatures recovered on the workers. `upcoming`: the
  // blocks likely to follow, in order (the first k_lookahead are used); their recovery starts before this block
  // is checked. The block is durable when this returns. Flushes a submit() in flight first.
  coin::Result<coin::BlockEffect> apply(const coin::Block& block, const std::optional<coin::Signature>& sig,
                                        const std::optional<coin::GenesisParams>& genesis,
                                        std::span<const coin::Block* const> upcoming = {});

  // For a run of blocks (the import, bench_chain): the same checks, but against the state the block submitted
  // before leaves (a read snapshot with that block's effect laid over), while a writer thread still writes and
  // syncs that block in its own transaction; this block's write then starts on the writer thread. So a block's
  // sync overlaps the next block's checks, and each block is still one synced transaction. A refused block
  // waits for the write in flight and leaves the store at the block before it. `block` must stay alive and
  // unchanged until the next submit(), apply() or flush(); until flush() returns, use the store only through
  // head() below. StoreError from a write comes out of the next submit() or flush().
  coin::Result<coin::BlockEffect> submit(const coin::Block& block, const std::optional<coin::Signature>& sig,
                                         const std::optional<coin::GenesisParams>& genesis,
                                         std::span<const coin::Block* const> upcoming = {});
  // Waits until every submitted block is written; rethrows a write's StoreError.
  void flush();
  // The head once everything submitted is written.
  std::optional<coin::BlockHeader> head() const;

 private:
  coin::RecoveredSigners recover(const coin::Block& block, std::span<const coin::Block* const> upcoming);

  struct Ahead {
    coin::Sha256 id;  // the block's id
    SignatureWorkers::Batch batch;
  };
  const cipher::Secp256k1& ctx_;
  ChainStore& store_;
  SignatureWorkers& workers_;
  std::deque<Ahead> ahead_;  // recoveries started, in block order
  // The block being written by writer_ (submit), and what it does to the unspent set.
  const coin::Block* writing_ = nullptr;
  coin::BlockEffect writing_effect_;
  std::thread writer_;
  std::exception_ptr write_error_;
};

}  // namespace skymesh::chain
