#include "block_pipeline.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace skymesh::chain {

BlockPipeline::~BlockPipeline() {
  if (writer_.joinable()) writer_.join();
}

coin::RecoveredSigners BlockPipeline::recover(const coin::Block& block, std::span<const coin::Block* const> upcoming) {
  const coin::Sha256 id = coin::block_hash(block.header);
  // Recoveries started for blocks that did not come are dropped (the workers finish them; nobody waits).
  while (!ahead_.empty() && ahead_.front().id != id) ahead_.pop_front();
  SignatureWorkers::Batch current;
  if (!ahead_.empty()) {
    current = std::move(ahead_.front().batch);
    ahead_.pop_front();
  } else {
    current = workers_.start(ctx_, block.transactions);
  }
  upcoming = upcoming.first(std::min(upcoming.size(), k_lookahead));
  for (size_t i = 0; i < upcoming.size(); ++i) {
    const coin::Sha256 next_id = coin::block_hash(upcoming[i]->header);
    if (i < ahead_.size()) {
      if (ahead_[i].id == next_id) continue;
      ahead_.erase(ahead_.begin() + static_cast<std::ptrdiff_t>(i), ahead_.end());  // announced otherwise now
    }
    ahead_.push_back({next_id, workers_.start(ctx_, upcoming[i]->transactions)});
  }
  return current.wait();
}

coin::Result<coin::BlockEffect> BlockPipeline::apply(const coin::Block& block,
                                                     const std::optional<coin::Signature>& sig,
                                                     const std::optional<coin::GenesisParams>& genesis,
                                                     std::span<const coin::Block* const> upcoming) {
  flush();
  const coin::RecoveredSigners signers = recover(block, upcoming);
  return store_.apply_block(ctx_, block, sig, genesis, &signers);
}

namespace {

// The unspent set as it is once `effect` is applied over `base` (whether or not base already includes it: a
// write may commit while this view is in use, and the answers are the same either way).
class PendingView final : public coin::UnspentLookup {
 public:
  PendingView(const coin::UnspentLookup& base, const coin::BlockEffect& effect) : base_(base), effect_(effect) {
    spent_.reserve(effect.spent_ids.size());
    spent_.insert(effect.spent_ids.begin(), effect.spent_ids.end());
    created_.reserve(effect.created_ids.size());
    for (size_t i = 0; i < effect.created.size(); ++i) created_.emplace(effect.created_ids[i], &effect.created[i]);
  }
  std::optional<coin::UxOut> find_unspent(const coin::Sha256& id) const override {
    if (auto it = created_.find(id); it != created_.end()) return *it->second;
    if (spent_.count(id)) return std::nullopt;
    return base_.find_unspent(id);
  }
  coin::Sha256 ux_hash() const override { return effect_.ux_hash_after; }

 private:
  const coin::UnspentLookup& base_;
  const coin::BlockEffect& effect_;
  std::unordered_set<coin::Sha256, coin::Sha256Hasher> spent_;
  std::unordered_map<coin::Sha256, const coin::UxOut*, coin::Sha256Hasher> created_;
};

}  // namespace

coin::Result<coin::BlockEffect> BlockPipeline::submit(const coin::Block& block,
                                                      const std::optional<coin::Signature>& sig,
                                                      const std::optional<coin::GenesisParams>& genesis,
                                                      std::span<const coin::Block* const> upcoming) {
  const coin::RecoveredSigners signers = recover(block, upcoming);
  std::optional<coin::Result<coin::BlockEffect>> checked;
  {
    auto snapshot = store_.snapshot();
    if (writing_ != nullptr) {
      const PendingView view(*snapshot, writing_effect_);
      checked = coin::check_block(ctx_, view, writing_->header, block, genesis, &signers);
    } else {
      checked = coin::check_block(ctx_, *snapshot, store_.head(), block, genesis, &signers);
    }
  }
  flush();  // the block before is written (and its error, if any, thrown) before this one starts
  if (!checked->ok()) return std::move(*checked);
  writing_ = &block;
  writing_effect_ = checked->value();
  writer_ = std::thread([this, sig]() {
    try {
      store_.write_checked(*writing_, writing_effect_, sig);
    } catch (...) {
      write_error_ = std::current_exception();
    }
  });
  return std::move(*checked);
}

void BlockPipeline::flush() {
  if (writer_.joinable()) writer_.join();
  writing_ = nullptr;
  if (write_error_) std::rethrow_exception(std::exchange(write_error_, nullptr));
}

std::optional<coin::BlockHeader> BlockPipeline::head() const {
  if (writing_ != nullptr) return writing_->header;
  return store_.head();
}

}  // namespace skymesh::chain
