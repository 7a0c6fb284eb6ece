// Errors of the coin library as values: every refusal (malformed bytes, a broken consensus rule) is a CoinError
// with a message naming what was wrong. The numbers are stable: a code never changes meaning and is never reused,
// so the chain serverlet can send them over the bus and clients can act on them.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "skymesh/base/expected.hpp"

namespace skymesh::coin {

enum class CoinError : uint16_t {
  // Binary decoding (1-19).
  truncated = 1,        // the bytes end before the value does
  trailing_bytes = 2,   // bytes left over after the value
  invalid_bool = 3,     // a bool byte other than 0 or 1
  count_too_large = 4,  // a u32 count above the field's maximum length
  // Transaction form, Skycoin's Transaction.Verify (20-39). Hard rules.
  no_inputs = 20,
  no_outputs = 21,
  signature_count_mismatch = 22,  // len(sigs) != len(inputs)
  too_many_inputs = 23,           // more than 65535
  too_many_outputs = 24,          // more than 65535
  duplicate_input = 25,           // the same output id twice in one transaction
  invalid_type = 26,              // Type != 0
  length_mismatch = 27,           // Length != encoded size
  duplicate_output = 28,          // two outputs with the same id in one transaction
  invalid_signature = 29,         // a signature of bad form, or no key recovers from it
  zero_coin_output = 30,
  output_coins_overflow = 31,  // sum of output coins overflows u64
  inner_hash_mismatch = 32,    // InnerHash != SHA-256 of the encoded inputs and outputs
  // Transaction against the unspent outputs it spends (40-59). Hard rules.
  input_not_found = 40,          // spends an output that is not unspent (spent already, or never existed)
  signature_not_owner = 41,      // signature i does not recover to the owner of input i
  input_coins_overflow = 42,     // sum of input coins overflows u64
  insufficient_coins = 43,       // coins in < coins out
  coins_destroyed = 44,          // coins in > coins out
  input_hours_overflow = 45,     // sum of input coin hours overflows u64
  insufficient_hours = 46,       // hours in < hours out
  output_hours_overflow = 47,    // sum of output hours overflows u64 (single transactions only, as Skycoin)
  coin_hours_overflow = 48,      // an input's coin hours cannot be computed without overflow
  output_collides_unspent = 49,  // a new output id already names an unspent output
  // Blocks (60-79). Hard rules.
  block_seq_invalid = 60,          // seq != head seq + 1 (or != 0 for the first block)
  block_time_not_increasing = 61,  // time <= head time
  prev_hash_mismatch = 62,
  body_hash_mismatch = 63,         // BodyHash != Merkle root of the transaction ids
  ux_hash_mismatch = 64,           // UxHash != hash of the unspent set before the block
  double_spend_in_block = 65,      // two transactions of one block spend the same output
  duplicate_output_in_block = 66,  // two transactions of one block create the same output id
  no_transactions = 68,            // a block without transactions
  block_signature_invalid = 69,    // the block-maker's signature does not verify
  genesis_mismatch = 70,           // the first block is not this network's genesis block
  invalid_genesis = 71,            // a genesis block of the wrong shape
  // Soft rules (80-99): the pool and block making apply them; blocks from the chain do not.
  transaction_too_large = 80,  // encoded size > max transaction size
  zero_fee = 81,               // no coin hours burned
  insufficient_fee = 82,       // fewer hours burned than (in hours) / burn factor, rounded up
  locked_input = 83,           // spends from a locked distribution address
  droplet_precision = 84,      // an output's coins have more decimals than allowed
  block_too_large = 86,        // transactions of a block together exceed the max block size
};

// Stable lower-case name, e.g. "inner_hash_mismatch". Used in logs and JSON.
std::string_view coin_error_name(CoinError code);

struct CoinFault {
  CoinError code;
  std::string message;
  // "code_name: message"
  std::string to_string() const;
};

class CoinException : public std::runtime_error {
 public:
  explicit CoinException(CoinFault fault);
  CoinError code() const noexcept { return code_; }

 private:
  CoinError code_;
};

// A value or a CoinFault (skymesh/base/expected.hpp); reading the value of a failed Result throws CoinException
// (a bug, never UB). Result<void> is the result of a check.
template <typename T>
using Result = base::Expected<T, CoinFault, CoinException>;

using Check = Result<void>;

}  // namespace skymesh::coin
