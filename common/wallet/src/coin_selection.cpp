#include "skymesh/wallet/coin_selection.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <unordered_set>

#include "skymesh/coin/unspent.hpp"

namespace skymesh::wallet {
namespace {

// Skycoin's makeCmpUxOutByCoins with coins high to low: then fewest hours, oldest block, smallest id.
bool more_coins_first(const Spendable& a, const Spendable& b) {
  if (a.ux.body.coins != b.ux.body.coins) return a.ux.body.coins > b.ux.body.coins;
  if (a.hours != b.hours) return a.hours < b.hours;
  if (a.ux.head.block_seq != b.ux.head.block_seq) return a.ux.head.block_seq < b.ux.head.block_seq;
  return a.id < b.id;
}

// Saturating sums: a wallet never holds near 2^64 droplets, but outside data may claim it.
uint64_t add_saturating(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

}  // namespace

Result<std::vector<Spendable>> spendables_at(std::span<const coin::UxOut> unspent, uint64_t head_time) {
  std::vector<Spendable> out;
  out.reserve(unspent.size());
  std::unordered_set<coin::Sha256, coin::Sha256Hasher> seen;
  for (const coin::UxOut& ux : unspent) {
    const coin::Sha256 id = coin::ux_id(ux);
    if (!seen.insert(id).second) {
      return WalletFault{WalletError::invalid_argument, "unspent output " + id.hex() + " is listed twice"};
    }
    auto hours = coin::coin_hours(ux, head_time);
    if (ux.body.coins == 0 || !hours.ok()) continue;
    out.push_back(Spendable{ux, id, hours.value()});
  }
  return out;
}

uint64_t remaining_hours(uint64_t hours, uint32_t burn_factor) {
  const uint64_t fee = hours / burn_factor + (hours % burn_factor != 0 ? 1 : 0);
  return hours - fee;
}

Result<std::vector<Spendable>> choose_spends(std::span<const Spendable> available, uint64_t coins, uint64_t hours,
                                             uint32_t burn_factor) {
  if (coins == 0) return WalletFault{WalletError::invalid_argument, "nothing to send: zero coins"};
  if (burn_factor == 0) return WalletFault{WalletError::invalid_argument, "burn factor must be at least 1"};
  std::vector<Spendable> with_hours;
  std::vector<Spendable> without_hours;
  uint64_t total_coins = 0;
  for (const Spendable& s : available) {
    (s.hours == 0 ? without_hours : with_hours).push_back(s);
    total_coins = add_saturating(total_coins, s.ux.body.coins);
  }
  if (total_coins < coins) {
    return WalletFault{WalletError::insufficient_coins, "the wallet holds " + std::to_string(total_coins) +
                                                            " droplets in spendable outputs, the payment needs " +
                                                            std::to_string(coins)};
  }
  if (with_hours.empty()) {
    return WalletFault{WalletError::insufficient_hours,
                       "no unspent output has coin hours to pay the fee (outputs gain hours with time)"};
  }
  std::sort(with_hours.begin(), with_hours.end(), more_coins_first);
  std::sort(without_hours.begin(), without_hours.end(), more_coins_first);

  std::vector<Spendable> chosen;
  uint64_t have_coins = 0;
  uint64_t have_hours = 0;
  auto take = [&chosen, &have_coins, &have_hours](const Spendable& s) {
    chosen.push_back(s);
    have_coins = add_saturating(have_coins, s.ux.body.coins);
    have_hours = add_saturating(have_hours, s.hours);
  };
  auto enough = [&have_coins, &have_hours, coins, hours, burn_factor]() {
    return have_coins >= coins && remaining_hours(have_hours, burn_factor) >= hours;
  };
  take(with_hours.front());
  if (enough()) return chosen;
  for (const Spendable& s : without_hours) {
    if (have_coins >= coins) break;
    take(s);
  }
  if (enough()) return chosen;
  for (std::size_t i = 1; i < with_hours.size(); ++i) {
    take(with_hours[i]);
    if (enough()) return chosen;
  }
  return WalletFault{WalletError::insufficient_hours, "all spendable outputs hold " + std::to_string(have_hours) +
                                                          " coin hours; after the 1/" + std::to_string(burn_factor) +
                                                          " burn fee that leaves " +
                                                          std::to_string(remaining_hours(have_hours, burn_factor)) +
                                                          ", the payment needs " + std::to_string(hours)};
}

std::vector<uint64_t> distribute_hours(uint64_t hours, std::span<const uint64_t> coins) {
  using u128 = unsigned __int128;
  const u128 total = std::accumulate(coins.begin(), coins.end(), u128{0});
  std::vector<uint64_t> share(coins.size(), 0);
  std::vector<u128> fraction(coins.size(), 0);
  uint64_t given = 0;
  for (std::size_t i = 0; i < coins.size(); ++i) {
    const u128 product = u128{hours} * coins[i];
    share[i] = static_cast<uint64_t>(product / total);
    fraction[i] = product % total;
    given += share[i];
  }
  std::vector<std::size_t> order(coins.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&fraction](std::size_t a, std::size_t b) { return fraction[a] > fraction[b]; });
  for (std::size_t k = 0; given < hours; ++k, ++given) ++share[order[k % order.size()]];
  return share;
}

}  // namespace skymesh::wallet
