// The unspent-output set: a lookup interface the rules read through (so an LMDB store can stand in for the
// in-memory one), and an in-memory set that keeps Skycoin's unspent-set hash: the XOR of snapshot_hash(ux)
// (SHA-256 of body || head) over every unspent output. A block's UxHash is this hash before the block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <vector>

#include "skymesh/coin/ux_out.hpp"

namespace skymesh::coin {

// Read access to an unspent set. Implementations must answer from one consistent state.
class UnspentLookup {
 public:
  virtual ~UnspentLookup() = default;
  // The unspent output with this id, or nullopt if there is none (never created, or spent).
  virtual std::optional<UxOut> find_unspent(const Sha256& id) const = 0;
  // XOR of snapshot_hash over the whole set.
  virtual Sha256 ux_hash() const = 0;
};

// a ^= b, byte by byte.
void xor_into(Sha256& a, const Sha256& b);

// What a valid block does to the unspent set: the outputs it spends and those it creates (with the new block's
// time and seq), in block order, and the set's hash afterwards. check_block also hands over the ids it hashed, so
// whoever applies or stores the effect hashes nothing again; an effect made any other way must fill them alike
// (UnspentSet::apply and the chain store refuse one whose id lists do not match its outputs and transactions).
struct BlockEffect {
  std::vector<UxOut> spent;
  std::vector<UxOut> created;
  std::vector<Sha256> spent_ids;    // ux_id(spent[i]): the block's inputs, in block order
  std::vector<Sha256> created_ids;  // ux_id(created[i])
  std::vector<Sha256> txids;        // transaction_id of each of the block's transactions, in block order
  std::vector<uint64_t> fees;       // coin hours burned, per transaction (0 for genesis)
  uint64_t fee = 0;                 // their sum
  Sha256 ux_hash_after;
};

struct Sha256Hasher {
  std::size_t operator()(const Sha256& h) const noexcept {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof v);  // SHA-256 output is uniform: any 8 bytes make a good hash
    return v;
  }
};

class UnspentSet final : public UnspentLookup {
 public:
  std::optional<UxOut> find_unspent(const Sha256& id) const override;
  Sha256 ux_hash() const override { return ux_hash_; }

  std::size_t size() const noexcept { return outputs_.size(); }
  // Spends effect.spent and adds effect.created (by their ids in effect.spent_ids and created_ids). Throws
  // std::logic_error (and changes nothing) if a spent output is absent, a created one present, or the id lists do
  // not match the outputs in length: an effect must come from check_block against this very set.
  void apply(const BlockEffect& effect);
  // Every unspent output of address (linear scan; the LMDB store keeps an index).
  std::vector<UxOut> outputs_of(const Address& address) const;
  const std::unordered_map<Sha256, UxOut, Sha256Hasher>& all() const noexcept { return outputs_; }

 private:
  std::unordered_map<Sha256, UxOut, Sha256Hasher> outputs_;
  Sha256 ux_hash_;
};

}  // namespace skymesh::coin
