// The unconfirmed-transaction pool: transactions that passed the hard and soft rules against the head, none
// spending an output another pool transaction spends. In memory (lost on restart, as a pool may be). Not
// thread-safe; one owner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "chain_store.hpp"
#include "skymesh/coin/coin.hpp"

namespace skymesh::chain {

// Why a transaction was refused: the coin rule (when one applies) and a message that starts with its code and
// name ("41 signature_not_owner: ..."), or "double_spend_in_pool: ..." for an input another pool transaction
// spends. form is true for a refusal of the bytes or the transaction's own form (the caller's bad input).
struct PoolRefusal {
  std::optional<coin::CoinError> code;
  bool form = false;
  std::string message;
};

struct PoolAdmission {
  coin::Sha256 id;
  uint64_t fee = 0;
  bool already_known = false;
};

class Pool {
 public:
  // Decodes raw, checks it against the store's head and unspent set (hard then soft rules) and the pool, and
  // keeps it. An empty chain refuses everything (failed precondition, no code).
  std::variant<PoolAdmission, PoolRefusal> admit(const cipher::Secp256k1& ctx, const ChainStore& store,
                                                 const coin::SoftRules& rules, coin::ByteView raw);
  // After a block: drops the transactions it confirmed and those whose inputs are no longer unspent.
  void prune(const ChainStore& store);
  // Drops the transactions in `ids`.
  void remove(const std::vector<coin::Sha256>& ids);

  const coin::Transaction* find(const coin::Sha256& id) const;
  // Oldest first.
  std::vector<coin::Transaction> transactions() const;
  size_t size() const { return by_id_.size(); }

 private:
  struct Entry {
    coin::Transaction tx;
    uint64_t order = 0;
  };
  std::unordered_map<coin::Sha256, Entry, coin::Sha256Hasher> by_id_;
  std::unordered_map<coin::Sha256, coin::Sha256, coin::Sha256Hasher> spender_;  // input -> pool txid
  uint64_t next_order_ = 0;
};

}  // namespace skymesh::chain
