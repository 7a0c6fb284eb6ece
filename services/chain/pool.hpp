// The unconfirmed-transaction pool: transactions that passed the hard and soft rules against the head, none
// spending an output another pool transaction spends. Kept in memory and in the store's `pool` database (each
// admission is written, synced, before it is answered), so it survives a restart: restore() re-checks every
// stored transaction against the head and drops the ones no longer valid. Not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "chain_store.hpp"
#include "signature_workers.hpp"
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

struct PoolRestore {
  size_t kept = 0;
  std::vector<std::pair<coin::Sha256, std::string>> dropped;  // id and why (the refusal's message)
};

class Pool {
 public:
  // Borrows store, which must outlive the pool. Starts empty: call restore() to load what the store kept.
  explicit Pool(ChainStore& store) : store_(store) {}

  // Replaces the pool with the stored one, oldest first, each transaction checked as admit() checks it against
  // the current head (hard then soft rules, no input spent by an older one); the ones that fail are dropped from
  // the store too. The signatures are recovered as one batch (on `workers` when given). StoreError propagates.
  PoolRestore restore(const cipher::Secp256k1& ctx, const coin::SoftRules& rules, SignatureWorkers* workers);

  // Decodes raw, checks it against the store's head and unspent set (hard then soft rules) and the pool, and
  // keeps it (written to the store first). An empty chain refuses everything (failed precondition, no code).
  // With `workers` the signatures are recovered there first (the calling fiber waits; the checks then run on the
  // state after the wait).
  std::variant<PoolAdmission, PoolRefusal> admit(const cipher::Secp256k1& ctx, const coin::SoftRules& rules,
                                                 coin::ByteView raw, SignatureWorkers* workers = nullptr);
  // After a block: drops the transactions it confirmed and those whose inputs are no longer unspent.
  void prune();
  // Drops the transactions in `ids` (from the store too).
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
  void keep(const coin::Sha256& id, coin::Transaction tx, uint64_t order);

  ChainStore& store_;
  std::unordered_map<coin::Sha256, Entry, coin::Sha256Hasher> by_id_;
  std::unordered_map<coin::Sha256, coin::Sha256, coin::Sha256Hasher> spender_;  // input -> pool txid
  uint64_t next_order_ = 0;
};

}  // namespace skymesh::chain
