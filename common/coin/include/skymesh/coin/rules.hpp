// Consensus rules for one transaction, as Skycoin applies them (coin.Transaction.Verify, VerifyInputSignatures,
// visor/transaction verify.go). Hard rules are never broken by any block; soft rules (size, fee, locked
// addresses, precision) bind only the pool and block making. Each check returns the first broken rule's code.
// Coin hours are always computed at head_time, the time of the chain's head block (the block before the one that
// would hold the transaction), never at the local clock, so every node agrees.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/coin/block.hpp"
#include "skymesh/coin/params.hpp"
#include "skymesh/coin/signers.hpp"
#include "skymesh/coin/transaction.hpp"
#include "skymesh/coin/ux_out.hpp"

namespace skymesh::coin {

// Where a transaction is judged. A block from the chain tolerates overflowing output hours (mainnet has such
// blocks); a single transaction (pool, block making) does not.
enum class TxContext { in_block, single };

// Well-formedness without the spent outputs (Skycoin's Transaction.Verify), in its order: no_inputs, no_outputs,
// signature_count_mismatch, too_many_inputs, too_many_outputs, duplicate_input, invalid_type, length_mismatch,
// duplicate_output, invalid_signature (form, or no key recovers), zero_coin_output, output_coins_overflow,
// inner_hash_mismatch. On success returns the address each signature recovers to, one per input. Owners found in
// `recovered` (when given) are not recovered again.
Result<std::vector<Address>> check_transaction_form(const cipher::Secp256k1& ctx, const Transaction& tx,
                                                    const RecoveredSigners* recovered = nullptr);

// Every hard rule given the outputs tx spends (spent[i] is the unspent output inputs[i] names; the caller found
// them, so a missing one is input_not_found at the caller). head is the chain's head block header. Adds to the
// form rules: [single only] output_hours_overflow, coin_hours_overflow for any input; then signature_not_owner,
// input_coins_overflow, insufficient_coins, coins_destroyed, coin_hours_overflow, input_hours_overflow,
// insufficient_hours.
Check check_transaction_hard(const cipher::Secp256k1& ctx, const Transaction& tx, const BlockHeader& head,
                             std::span<const UxOut> spent, TxContext context,
                             const RecoveredSigners* recovered = nullptr);

// The soft rules, for a transaction that passed the hard ones: transaction_too_large, then the fee
// (insufficient_hours, zero_fee, insufficient_fee), locked_input, droplet_precision.
Check check_transaction_soft(const Transaction& tx, uint64_t head_time, std::span<const UxOut> spent,
                             const SoftRules& rules);

// Hours burned: input coin hours at head_time minus output hours. insufficient_hours if negative;
// coin_hours_overflow / input_hours_overflow / output_hours_overflow on overflow.
Result<uint64_t> transaction_fee(const Transaction& tx, uint64_t head_time, std::span<const UxOut> spent);
// hours / burn_factor rounded up: the least fee for a transaction whose inputs hold `hours`.
uint64_t required_fee(uint64_t hours, uint32_t burn_factor);

// The header rules against the head (Skycoin's verifyBlockHeader): block_seq_invalid, block_time_not_increasing,
// prev_hash_mismatch, body_hash_mismatch.
Check check_block_header(const BlockHeader& head, const Block& block);
// The same with the transactions' ids already known (txids[i] == transaction_id(block.transactions[i]); only the
// count is checked: std::invalid_argument otherwise), so they are not hashed again.
Check check_block_header(const BlockHeader& head, const Block& block, std::span<const Sha256> txids);

}  // namespace skymesh::coin
