#include "pool.hpp"

#include <algorithm>
#include <utility>

#include "importer.hpp"

namespace skymesh::chain {
namespace {

PoolRefusal refusal(const coin::CoinFault& fault) {
  const auto code = static_cast<unsigned>(fault.code);
  return PoolRefusal{fault.code, code <= static_cast<unsigned>(coin::CoinError::inner_hash_mismatch),
                     describe_fault(fault)};
}

}  // namespace

std::variant<PoolAdmission, PoolRefusal> Pool::admit(const cipher::Secp256k1& ctx, const ChainStore& store,
                                                     const coin::SoftRules& rules, coin::ByteView raw) {
  auto decoded = coin::decode_transaction(raw);
  if (!decoded) return refusal(decoded.fault());
  const coin::Transaction& tx = decoded.value();
  const coin::Sha256 id = coin::transaction_id(tx);
  if (by_id_.count(id)) return PoolAdmission{id, 0, true};
  if (!store.head()) return PoolRefusal{std::nullopt, false, "the chain has no block yet"};
  for (const coin::Sha256& input : tx.inputs) {
    auto spender = spender_.find(input);
    if (spender != spender_.end()) {
      return PoolRefusal{std::nullopt, false,
                         "double_spend_in_pool: input " + input.hex() +
                             " is already spent by unconfirmed transaction " + spender->second.hex()};
    }
  }
  auto snapshot = store.snapshot();
  auto fee = coin::check_pool_transaction(ctx, *snapshot, *store.head(), tx, rules);
  if (!fee) return refusal(fee.fault());
  for (const coin::Sha256& input : tx.inputs) spender_.emplace(input, id);
  by_id_.emplace(id, Entry{tx, next_order_++});
  return PoolAdmission{id, fee.value(), false};
}

void Pool::remove(const std::vector<coin::Sha256>& ids) {
  for (const coin::Sha256& id : ids) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) continue;
    for (const coin::Sha256& input : it->second.tx.inputs) spender_.erase(input);
    by_id_.erase(it);
  }
}

void Pool::prune(const ChainStore& store) {
  std::vector<coin::Sha256> gone;
  auto snapshot = store.snapshot();
  for (const auto& [id, entry] : by_id_) {
    bool live = true;
    for (const coin::Sha256& input : entry.tx.inputs) {
      if (!snapshot->find_unspent(input)) {
        live = false;
        break;
      }
    }
    if (!live) gone.push_back(id);
  }
  remove(gone);
}

const coin::Transaction* Pool::find(const coin::Sha256& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second.tx;
}

std::vector<coin::Transaction> Pool::transactions() const {
  std::vector<const Entry*> entries;
  entries.reserve(by_id_.size());
  for (const auto& [id, entry] : by_id_) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [](const Entry* a, const Entry* b) { return a->order < b->order; });
  std::vector<coin::Transaction> out;
  out.reserve(entries.size());
  for (const Entry* entry : entries) out.push_back(entry->tx);
  return out;
}

}  // namespace skymesh::chain
