// Skycoin transactions: the value type, its one binary encoding, and the hashes derived from it. A transaction's
// id is the SHA-256 of its encoding; its inner hash is the SHA-256 of the encoded inputs and outputs (what the
// signatures sign, each as SHA256(inner_hash || input id)).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/hash.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/cipher/signature.hpp"
#include "skymesh/coin/encoding.hpp"

namespace skymesh::coin {

using cipher::Address;
using cipher::Sha256;
using cipher::Signature;

struct TransactionOutput {
  Address address;     // encoded as version(1) || key20(20)
  uint64_t coins = 0;  // droplets
  uint64_t hours = 0;  // coin hours

  friend bool operator==(const TransactionOutput&, const TransactionOutput&) = default;
};

// Field order is the encoding order: Length u32, Type u8, InnerHash [32], Sigs []Sig(65), In []SHA256,
// Out []TransactionOutput; each slice at most 65535 long.
struct Transaction {
  uint32_t length = 0;  // the whole encoded size (0 in the genesis transaction)
  uint8_t type = 0;     // always 0
  Sha256 inner_hash;
  std::vector<Signature> sigs;             // sigs[i] authorises spending inputs[i]
  std::vector<Sha256> inputs;              // ids of the unspent outputs spent
  std::vector<TransactionOutput> outputs;  // outputs created

  friend bool operator==(const Transaction&, const Transaction&) = default;
};

// Encoded size, computed from the counts (37 + 65 per signature + 32 per input + 37 per output + 12).
std::size_t encoded_size(const Transaction& tx);
void encode_to(Encoder& out, const Transaction& tx);
Bytes encode(const Transaction& tx);
// Reads one transaction; the Decoder keeps the fault.
void decode_from(Decoder& in, Transaction& tx);
// Exactly one transaction: truncated, trailing_bytes, count_too_large on malformed bytes. Says nothing about
// validity (see rules.hpp).
Result<Transaction> decode_transaction(ByteView bytes);

// SHA-256 of the encoding: the transaction id.
Sha256 transaction_id(const Transaction& tx);
// SHA-256 of encode(inputs) || encode(outputs), each with its u32 count: what InnerHash must be.
Sha256 compute_inner_hash(const Transaction& tx);
// The digest signature i signs: SHA256(inner_hash || inputs[i]). Precondition: i < inputs.size().
Sha256 signed_digest(const Transaction& tx, std::size_t i);
// Id of output out of the transaction whose id is txid: SHA-256 of the UxBody {txid, address, coins, hours}.
Sha256 output_id(const Sha256& txid, const TransactionOutput& out);

// Skycoin's UpdateHeader: sets Type 0, InnerHash and Length from the current inputs, outputs and signatures.
void update_header(Transaction& tx);
// Skycoin's SignInputs followed by UpdateHeader: signs inputs[i] with keys[i] and fixes Length.
// Throws std::invalid_argument if keys.size() != inputs.size() (a caller bug).
void sign_inputs(const cipher::Secp256k1& ctx, Transaction& tx, std::span<const cipher::SecretKey> keys);

// Sum of output coins / hours; output_coins_overflow / output_hours_overflow past u64.
Result<uint64_t> output_coins(const Transaction& tx);
Result<uint64_t> output_hours(const Transaction& tx);

}  // namespace skymesh::coin
