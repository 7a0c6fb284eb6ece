// Coin hours as Skycoin's UxOut.CoinHours: one hour per whole coin per 3600 s since the output's block time,
// droplets counted in proportion, the creation hours added; overflow handling as Skycoin's.
#include <catch2/catch.hpp>

#include <limits>

#include "chain_fixture.hpp"

using namespace skymesh;

namespace {

coin::UxOut output(uint64_t time, uint64_t coins, uint64_t hours) {
  coin::UxOut ux;
  ux.head.time = time;
  ux.body.coins = coins;
  ux.body.hours = hours;
  return ux;
}

constexpr uint64_t k_coin = coin::k_droplets_per_coin;
constexpr uint64_t k_max = std::numeric_limits<uint64_t>::max();

}  // namespace

TEST_CASE("an output earns one coin hour per whole coin per hour from its block's time") {
  CHECK(coin::coin_hours(output(1000, 10 * k_coin, 5), 1000).value() == 5);
  CHECK(coin::coin_hours(output(1000, 10 * k_coin, 5), 1000 + 3599).value() == 5 + 9);  // 35990 coin-seconds
  CHECK(coin::coin_hours(output(1000, 10 * k_coin, 5), 1000 + 3600).value() == 5 + 10);
  CHECK(coin::coin_hours(output(1000, 10 * k_coin, 5), 1000 + 7200).value() == 5 + 20);
  // Before its own time an output has its creation hours.
  CHECK(coin::coin_hours(output(1000, 10 * k_coin, 5), 999).value() == 5);
}

TEST_CASE("droplets earn their share of coin hours, rounded down") {
  // 1.5 coins for 2 hours = 3 coin hours.
  CHECK(coin::coin_hours(output(0, k_coin + k_coin / 2, 0), 7200).value() == 3);
  // 0.5 coins for 1 hour = 0.5 coin hours -> 0.
  CHECK(coin::coin_hours(output(0, k_coin / 2, 0), 3600).value() == 0);
  CHECK(coin::coin_hours(output(0, k_coin / 2, 0), 7200).value() == 1);
}

TEST_CASE("coin hours that overflow are errors, except the final addition when a block spends the output") {
  // seconds x whole coins overflows u64.
  const coin::UxOut huge = output(0, k_max, 0);
  CHECK(coin::coin_hours(huge, 1'000'000'000).error() == coin::CoinError::coin_hours_overflow);
  CHECK(coin::coin_hours_for_spending(huge, 1'000'000'000).error() == coin::CoinError::coin_hours_overflow);
  // creation hours + earned hours overflows: Skycoin counts 0 when a block spends it (mainnet block 13277).
  const coin::UxOut full = output(0, 10 * k_coin, k_max - 1);
  CHECK(coin::coin_hours(full, 3600).error() == coin::CoinError::coin_hours_overflow);
  CHECK(coin::coin_hours_for_spending(full, 3600).value() == 0);
  CHECK(coin::coin_hours_for_spending(full, 0).value() == k_max - 1);
}

TEST_CASE("the fee is the hours burned and the burn factor rounds the required fee up") {
  CHECK(coin::required_fee(0, 10) == 0);
  CHECK(coin::required_fee(1, 10) == 1);
  CHECK(coin::required_fee(10, 10) == 1);
  CHECK(coin::required_fee(11, 10) == 2);
  CHECK(coin::required_fee(100, 2) == 50);

  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  const std::vector<coin::UxOut> spent{chain.genesis_output()};
  // The genesis output holds 10^14 hours at the genesis time; the payment keeps 2000.
  CHECK(coin::transaction_fee(tx, chain.head().time, spent).value() == coin::k_max_droplet_supply - 2000);
  // An hour later every one of the 10^8 coins has earned an hour more.
  CHECK(coin::transaction_fee(tx, chain.head().time + 3600, spent).value() ==
        coin::k_max_droplet_supply + coin::k_max_coin_supply - 2000);
}
