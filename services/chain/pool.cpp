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

void Pool::keep(const coin::Sha256& id, coin::Transaction tx, uint64_t order) {
  for (const coin::Sha256& input : tx.inputs) spender_.emplace(input, id);
  by_id_.emplace(id, Entry{std::move(tx), order});
}

PoolRestore Pool::restore(const cipher::Secp256k1& ctx, const coin::SoftRules& rules, SignatureWorkers* workers) {
  by_id_.clear();
  spender_.clear();
  std::vector<PooledTransaction> stored = store_.pool_transactions();
  next_order_ = stored.empty() ? 0 : stored.back().order + 1;
  std::vector<coin::Transaction> txs;
  txs.reserve(stored.size());
  for (const PooledTransaction& entry : stored) txs.push_back(entry.tx);
  const coin::RecoveredSigners signers =
      workers != nullptr ? workers->recover(ctx, txs) : coin::recover_signers(ctx, txs);
  PoolRestore report;
  auto snapshot = store_.snapshot();
  for (PooledTransaction& entry : stored) {
    std::optional<std::string> why;
    if (coin::transaction_id(entry.tx) != entry.id) {
      why = "stored under another id";
    } else if (!store_.head()) {
      why = "the chain has no block yet";
    } else {
      for (const coin::Sha256& input : entry.tx.inputs) {
        if (auto spender = spender_.find(input); spender != spender_.end()) {
          why =
              "double_spend_in_pool: input " + input.hex() + " is spent by older transaction " + spender->second.hex();
          break;
        }
      }
      if (!why) {
        auto fee = coin::check_pool_transaction(ctx, *snapshot, *store_.head(), entry.tx, rules, &signers);
        if (!fee) why = describe_fault(fee.fault());
      }
    }
    if (why) {
      report.dropped.emplace_back(entry.id, std::move(*why));
    } else {
      keep(entry.id, std::move(entry.tx), entry.order);
      ++report.kept;
    }
  }
  snapshot.reset();
  std::vector<coin::Sha256> gone;
  for (const auto& [id, why] : report.dropped) gone.push_back(id);
  store_.remove_pool_transactions(gone);
  return report;
}

std::variant<PoolAdmission, PoolRefusal> Pool::admit(const cipher::Secp256k1& ctx, const coin::SoftRules& rules,
                                                     coin::ByteView raw, SignatureWorkers* workers) {
  auto decoded = coin::decode_transaction(raw);
  if (!decoded) return refusal(decoded.fault());
  const coin::Transaction& tx = decoded.value();
  coin::RecoveredSigners signers;
  if (workers != nullptr) signers = workers->recover(ctx, std::span(&tx, 1));
  const coin::Sha256 id = coin::transaction_id(tx);
  if (by_id_.count(id)) return PoolAdmission{id, 0, true};
  if (!store_.head()) return PoolRefusal{std::nullopt, false, "the chain has no block yet"};
  for (const coin::Sha256& input : tx.inputs) {
    auto spender = spender_.find(input);
    if (spender != spender_.end()) {
      return PoolRefusal{std::nullopt, false,
                         "double_spend_in_pool: input " + input.hex() +
                             " is already spent by unconfirmed transaction " + spender->second.hex()};
    }
  }
  auto snapshot = store_.snapshot();
  auto fee = coin::check_pool_transaction(ctx, *snapshot, *store_.head(), tx, rules, &signers);
  snapshot.reset();
  if (!fee) return refusal(fee.fault());
  const uint64_t order = next_order_++;
  store_.put_pool_transaction(id, order, tx);  // durable before it is kept and answered
  keep(id, std::move(decoded).value(), order);
  return PoolAdmission{id, fee.value(), false};
}

void Pool::remove(const std::vector<coin::Sha256>& ids) {
  std::vector<coin::Sha256> present;
  for (const coin::Sha256& id : ids) {
    if (by_id_.count(id)) present.push_back(id);
  }
  store_.remove_pool_transactions(present);
  for (const coin::Sha256& id : present) {
    auto it = by_id_.find(id);
    for (const coin::Sha256& input : it->second.tx.inputs) spender_.erase(input);
    by_id_.erase(it);
  }
}

void Pool::prune() {
  std::vector<coin::Sha256> gone;
  auto snapshot = store_.snapshot();
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
  snapshot.reset();
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
