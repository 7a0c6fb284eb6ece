// Soft rules: the pool and block making refuse what breaks them; blocks from the chain are held to the hard
// rules only, as in Skycoin (params: burn factor 10, 32768-byte transactions and blocks, 3 decimals).
#include <catch2/catch.hpp>

#include "chain_fixture.hpp"

using namespace skymesh;
using coin::CoinError;

namespace {

constexpr uint64_t k_coin = coin::k_droplets_per_coin;

}  // namespace

TEST_CASE("transaction_too_large: a transaction over 32768 bytes stays out of the pool") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  std::vector<coin::TransactionOutput> outs;
  for (int i = 0; i < 900; ++i) outs.push_back({chain.bob_address, k_coin + static_cast<uint64_t>(i) * 1000, 0});
  uint64_t paid = 0;
  for (const auto& o : outs) paid += o.coins;
  outs.push_back({chain.alice_address, source.body.coins - paid, 0});
  const coin::Transaction tx = chain.spend({source}, {chain.alice}, outs);
  REQUIRE(coin::encoded_size(tx) > 32768);
  CHECK(coin::check_transaction_hard(chain.ctx, tx, chain.head(), std::vector<coin::UxOut>{source},
                                     coin::TxContext::single)
            .ok());
  CHECK(chain.pool_error(tx) == CoinError::transaction_too_large);
  CHECK(!chain.block_error(chain.next_block({tx})).has_value());  // a block from the chain may hold it
}

TEST_CASE("zero_fee: a transaction must burn coin hours") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::Transaction tx =
      chain.spend({source}, {chain.alice}, {{chain.bob_address, source.body.coins, source.body.hours}});
  CHECK(chain.pool_error(tx) == CoinError::zero_fee);
  CHECK(!chain.block_error(chain.next_block({tx})).has_value());
}

TEST_CASE("insufficient_fee: at least a tenth of the input hours is burned, rounded up") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const uint64_t hours = source.body.hours;  // 10^14, at the head's time
  const coin::Transaction short_by_one =
      chain.spend({source}, {chain.alice}, {{chain.bob_address, source.body.coins, hours - hours / 10 + 1}});
  CHECK(chain.pool_error(short_by_one) == CoinError::insufficient_fee);
  CHECK(!chain.block_error(chain.next_block({short_by_one})).has_value());
  const coin::Transaction exact =
      chain.spend({source}, {chain.alice}, {{chain.bob_address, source.body.coins, hours - hours / 10}});
  CHECK(!chain.pool_error(exact).has_value());
}

TEST_CASE("locked_input: a locked distribution address cannot spend through the pool") {
  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  chain.rules.locked_addresses = {chain.bob_address};
  CHECK(!chain.pool_error(tx).has_value());
  chain.rules.locked_addresses = {chain.alice_address};
  CHECK(chain.pool_error(tx) == CoinError::locked_input);
  CHECK(!chain.block_error(chain.next_block({tx})).has_value());
}

TEST_CASE("droplet_precision: output coins have at most 3 decimals") {
  test::ChainFixture chain;
  const coin::Transaction fine = chain.pay_bob(1'000 * k_coin + 1'000);  // 1000.001
  CHECK(!chain.pool_error(fine).has_value());
  const coin::Transaction tx = chain.pay_bob(1'000 * k_coin + 100);  // 1000.0001
  CHECK(chain.pool_error(tx) == CoinError::droplet_precision);
  CHECK(!chain.block_error(chain.next_block({tx})).has_value());
  chain.rules.max_droplet_precision = 6;
  CHECK(!chain.pool_error(tx).has_value());
}

TEST_CASE("block making applies hard and soft rules and makes a block the chain accepts") {
  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  auto block =
      coin::make_block(chain.ctx, chain.ledger.unspent(), chain.head(), {tx}, chain.head().time + 10, chain.rules);
  REQUIRE(block.ok());
  CHECK(block->header.seq == 1);
  CHECK(block->header.fee == coin::k_max_droplet_supply - 2000);
  auto applied = chain.ledger.apply_block(chain.ctx, block.value());
  REQUIRE(applied.ok());
  CHECK(chain.ledger.unspent().outputs_of(chain.bob_address).size() == 1);

  const coin::UxOut source = chain.ledger.unspent().outputs_of(chain.alice_address).at(0);
  const coin::Transaction zero_fee =
      chain.spend({source}, {chain.alice},
                  {{chain.bob_address, source.body.coins, coin::coin_hours(source, chain.head().time).value()}});
  auto refused = coin::make_block(chain.ctx, chain.ledger.unspent(), chain.head(), {zero_fee}, chain.head().time + 10,
                                  chain.rules);
  REQUIRE(!refused.ok());
  CHECK(refused.error() == CoinError::zero_fee);
  CHECK(refused.message().find("transaction 0") != std::string::npos);
}

TEST_CASE("block_too_large: a made block's transactions fit the block size limit") {
  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  chain.rules.max_block_size = static_cast<uint32_t>(coin::encoded_size(tx)) - 1;
  auto block =
      coin::make_block(chain.ctx, chain.ledger.unspent(), chain.head(), {tx}, chain.head().time + 10, chain.rules);
  REQUIRE(!block.ok());
  CHECK(block.error() == CoinError::block_too_large);
  chain.rules.max_block_size += 1;
  CHECK(coin::make_block(chain.ctx, chain.ledger.unspent(), chain.head(), {tx}, chain.head().time + 10, chain.rules)
            .ok());
}
