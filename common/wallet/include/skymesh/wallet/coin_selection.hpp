// Which unspent outputs a payment spends, and how coin hours are shared among outputs, as Skycoin's wallet does
// (src/transaction/choose.go, create.go). Pure functions of their arguments; no keys involved.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "skymesh/coin/ux_out.hpp"
#include "skymesh/wallet/error.hpp"

namespace skymesh::wallet {

// An unspent output with its coin hours at the chain head's time.
struct Spendable {
  coin::UxOut ux;
  coin::Sha256 id;     // coin::ux_id(ux)
  uint64_t hours = 0;  // coin::coin_hours(ux, head_time)
};

// Computes id and hours at head_time for each output; drops outputs with zero coins or whose hours overflow
// (a single transaction cannot spend them). Errors: invalid_argument if the same output appears twice.
Result<std::vector<Spendable>> spendables_at(std::span<const coin::UxOut> unspent, uint64_t head_time);

// Hours left to share after the burn fee: hours - ceil(hours / burn_factor). Precondition: burn_factor > 0.
uint64_t remaining_hours(uint64_t hours, uint32_t burn_factor);

// Skycoin's ChooseSpendsMinimizeUxOuts: first the output with the most coins among those with hours (fewest
// hours, oldest, smallest id on ties), then outputs without hours, most coins first, until `coins` is reached,
// then the rest with hours, until coins >= `coins` and remaining_hours(total) >= `hours`. Errors:
// invalid_argument (coins 0), insufficient_coins (all of them hold less than `coins`), insufficient_hours (no
// output has hours to pay a fee, or they cannot cover `hours` after the fee).
Result<std::vector<Spendable>> choose_spends(std::span<const Spendable> available, uint64_t coins, uint64_t hours,
                                             uint32_t burn_factor);

// Splits `hours` among outputs in proportion to their coins: each gets floor(hours * coins[i] / total), and the
// hours left by the rounding go one each to the largest fractional parts (first index on ties). The result sums
// to exactly `hours`. Precondition: coins is not empty and its sum is > 0 and fits u64.
std::vector<uint64_t> distribute_hours(uint64_t hours, std::span<const uint64_t> coins);

}  // namespace skymesh::wallet
