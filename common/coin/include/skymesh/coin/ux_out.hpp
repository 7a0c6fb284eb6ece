// Unspent outputs (UxOut): a head {time, block seq} that records where the output was created and a body
// {source transaction, address, coins, hours} whose SHA-256 is the output's id. Coin hours grow from the
// head time: one hour per whole coin per 3600 s, plus the droplets' share, computed as Skycoin does.
#pragma once

#include <cstdint>

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/hash.hpp"
#include "skymesh/coin/encoding.hpp"

namespace skymesh::coin {

using cipher::Address;
using cipher::Sha256;

struct UxHead {
  uint64_t time = 0;       // unix seconds of the block that created the output
  uint64_t block_seq = 0;  // seq of that block

  friend bool operator==(const UxHead&, const UxHead&) = default;
};

struct UxBody {
  Sha256 source_transaction;  // id of the creating transaction (zero for the genesis outputs)
  Address address;
  uint64_t coins = 0;  // droplets
  uint64_t hours = 0;  // coin hours it was created with

  friend bool operator==(const UxBody&, const UxBody&) = default;
};

struct UxOut {
  UxHead head;
  UxBody body;

  friend bool operator==(const UxOut&, const UxOut&) = default;
};

// SHA-256 of the encoded body: the output id.
Sha256 ux_id(const UxBody& body);
inline Sha256 ux_id(const UxOut& ux) {
  return ux_id(ux.body);
}
// SHA-256 of body || head: what the unspent-set hash XORs together.
Sha256 snapshot_hash(const UxOut& ux);

// Encoding: head then body, Skycoin's UxOut field order (how a store keeps unspent outputs).
Bytes encode(const UxOut& ux);
void encode_to(Encoder& out, const UxOut& ux);
void decode_from(Decoder& in, UxOut& ux);
Result<UxOut> decode_ux_out(ByteView bytes);

// Skycoin's UxOut.CoinHours at time t (unix seconds). Before the head time it is the body's hours. Fails with
// coin_hours_overflow if seconds x coins or the final addition overflows u64.
Result<uint64_t> coin_hours(const UxOut& ux, uint64_t t);
// The same, as a block's transaction spends it: an overflow of the final addition counts as 0 hours (mainnet
// block 13277 spends such an output); an overflow of the multiplication is still coin_hours_overflow.
Result<uint64_t> coin_hours_for_spending(const UxOut& ux, uint64_t t);

}  // namespace skymesh::coin
