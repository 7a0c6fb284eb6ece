// Whole-block rules and the ledger that applies them. check_block is a pure function of (head, unspent set,
// block): it returns what the block does to the set (BlockEffect) or the first broken hard rule, so the in-memory
// Ledger here and the chain serverlet's LMDB store share it. The pool and block making add the soft rules.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/coin/block.hpp"
#include "skymesh/coin/params.hpp"
#include "skymesh/coin/rules.hpp"
#include "skymesh/coin/signers.hpp"
#include "skymesh/coin/unspent.hpp"

namespace skymesh::coin {

// The unspent outputs tx spends, in input order; input_not_found names the first that is not unspent.
Result<std::vector<UxOut>> find_inputs(const UnspentLookup& unspent, const Transaction& tx);

// Hard rules for a block received from the chain, in Skycoin's order. With no head the block must be a genesis
// block (seq 0, zero prev hash, one transaction without inputs: invalid_genesis otherwise) and, if genesis is
// given, exactly that network's genesis (genesis_mismatch). Otherwise: check_block_header, no_transactions,
// for each transaction input_not_found then check_transaction_hard(in_block) then output_collides_unspent and
// duplicate_output_in_block, then double_spend_in_block, then ux_hash_mismatch. Every input is looked up in the
// set as it was before the block, so spending an output of the same block is input_not_found, as in Skycoin.
// Messages name the transaction index and id. `recovered`: signature owners recovered beforehand (signers.hpp).
// Each transaction is encoded and hashed once; the effect carries the transaction and output ids computed.
Result<BlockEffect> check_block(const cipher::Secp256k1& ctx, const UnspentLookup& unspent,
                                const std::optional<BlockHeader>& head, const Block& block,
                                const std::optional<GenesisParams>& genesis = std::nullopt,
                                const RecoveredSigners* recovered = nullptr);

// A transaction offered to the pool: its inputs must be unspent, then hard rules as a single transaction, then
// the soft rules. Returns the fee it burns.
Result<uint64_t> check_pool_transaction(const cipher::Secp256k1& ctx, const UnspentLookup& unspent,
                                        const BlockHeader& head, const Transaction& tx, const SoftRules& rules,
                                        const RecoveredSigners* recovered = nullptr);

// Makes the next block from txs, strictly: every transaction must pass check_pool_transaction, none may spend an
// output another spends (double_spend_in_block), their sizes together at most rules.max_block_size
// (block_too_large), time > head time. The header carries the fee sum and the set's current hash; the result is
// checked with check_block before it is returned. (Choosing which pool transactions to include is the caller's.)
// Each signature is recovered once (or not at all when `recovered` holds it), not once per check.
Result<Block> make_block(const cipher::Secp256k1& ctx, const UnspentLookup& unspent, const BlockHeader& head,
                         std::vector<Transaction> txs, uint64_t time, const SoftRules& rules,
                         const RecoveredSigners* recovered = nullptr);

// An in-memory chain state: head header and unspent set. Not thread-safe; one owner.
class Ledger {
 public:
  explicit Ledger(std::optional<GenesisParams> genesis = std::nullopt) : genesis_(std::move(genesis)) {}

  // check_block, then applies the effect and moves the head. On error nothing changes.
  Result<BlockEffect> apply_block(const cipher::Secp256k1& ctx, const Block& block);
  // A block from another node: block_signature_invalid unless the block-maker's key signed it, then apply_block.
  Result<BlockEffect> apply_signed_block(const cipher::Secp256k1& ctx, const cipher::PublicKey& maker,
                                         const SignedBlock& block);

  const std::optional<BlockHeader>& head() const noexcept { return head_; }
  const UnspentSet& unspent() const noexcept { return unspent_; }

 private:
  std::optional<GenesisParams> genesis_;
  std::optional<BlockHeader> head_;
  UnspentSet unspent_;
};

}  // namespace skymesh::coin
