// Helpers of the transaction-building tests: a wallet on a fixed seed, outputs on its addresses, and the
// coin library's pool check over a list of unspent outputs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "skymesh/coin/coin.hpp"
#include "skymesh/wallet/wallet.hpp"

namespace skymesh::wallet::test {

inline constexpr uint64_t k_hour = 3600;

inline Wallet make_wallet(const cipher::Secp256k1& ctx, std::size_t addresses, const char* seed = "tx test seed") {
  return Wallet::create_deterministic(ctx, seed, NewWalletOptions{.filename = "tx.wlt", .label = "tx", .timestamp = 0},
                                      addresses)
      .value();
}

// An output created at `time` in block `seq`; distinct `tag`s give distinct ids.
inline coin::UxOut make_output(const cipher::Address& address, uint64_t coins, uint64_t hours, uint64_t time,
                               uint64_t seq, uint8_t tag) {
  coin::UxOut ux;
  ux.head = coin::UxHead{time, seq};
  ux.body.source_transaction.data()[0] = tag;
  ux.body.source_transaction.data()[1] = static_cast<uint8_t>(seq);
  ux.body.address = address;
  ux.body.coins = coins;
  ux.body.hours = hours;
  return ux;
}

class ListLookup final : public coin::UnspentLookup {
 public:
  explicit ListLookup(std::span<const coin::UxOut> outputs) : outputs_(outputs.begin(), outputs.end()) {}
  std::optional<coin::UxOut> find_unspent(const coin::Sha256& id) const override {
    for (const coin::UxOut& ux : outputs_) {
      if (coin::ux_id(ux) == id) return ux;
    }
    return std::nullopt;
  }
  coin::Sha256 ux_hash() const override { return coin::Sha256(); }

 private:
  std::vector<coin::UxOut> outputs_;
};

// check_pool_transaction with the default soft rules, the head block at head_time.
inline coin::Result<uint64_t> pool_check(const cipher::Secp256k1& ctx, std::span<const coin::UxOut> unspent,
                                         uint64_t head_time, const coin::Transaction& tx) {
  coin::BlockHeader head;
  head.time = head_time;
  head.seq = 10;
  return coin::check_pool_transaction(ctx, ListLookup(unspent), head, tx, coin::SoftRules{});
}

}  // namespace skymesh::wallet::test
