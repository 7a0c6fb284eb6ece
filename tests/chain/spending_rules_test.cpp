// The hard rules that need the spent outputs: existence (no double spend against the unspent set), ownership by
// signature, coins conserved, hours not created, overflow, collisions. Each test breaks exactly one.
#include <catch2/catch.hpp>

#include <limits>

#include "chain_fixture.hpp"

using namespace skymesh;
using coin::CoinError;
using coin::TxContext;

namespace {

constexpr uint64_t k_top_bit = uint64_t{1} << 63;

// Outputs owned by alice that no chain holds, for the overflow rules.
coin::UxOut alice_output(const test::ChainFixture& chain, uint64_t coins, uint64_t hours, uint64_t time, int n) {
  coin::UxOut ux;
  ux.head = {time, 1};
  ux.body = {cipher::sha256(cipher::as_bytes(std::to_string(n))), chain.alice_address, coins, hours};
  return ux;
}

CoinError hard_error(const test::ChainFixture& chain, const coin::Transaction& tx,
                     const std::vector<coin::UxOut>& spent, TxContext context) {
  auto result = coin::check_transaction_hard(chain.ctx, tx, chain.head(), spent, context);
  REQUIRE(!result.ok());
  INFO(result.fault().to_string());
  return result.error();
}

// An unspent set that also claims one more output id exists.
class WithPhantom final : public coin::UnspentLookup {
 public:
  WithPhantom(const coin::UnspentLookup& base, coin::UxOut phantom) : base_(base), phantom_(std::move(phantom)) {}
  std::optional<coin::UxOut> find_unspent(const coin::Sha256& id) const override {
    if (id == coin::ux_id(phantom_)) return phantom_;
    return base_.find_unspent(id);
  }
  coin::Sha256 ux_hash() const override { return base_.ux_hash(); }

 private:
  const coin::UnspentLookup& base_;
  coin::UxOut phantom_;
};

}  // namespace

TEST_CASE("input_not_found: spending an output that does not exist or was spent already") {
  test::ChainFixture chain;
  coin::UxOut invented = chain.genesis_output();
  invented.body.hours += 1;
  const coin::Transaction tx = chain.spend({invented}, {chain.alice}, {{chain.bob_address, invented.body.coins, 1}});
  CHECK(chain.pool_error(tx) == CoinError::input_not_found);
  CHECK(chain.block_error(chain.next_block({tx})) == CoinError::input_not_found);

  const coin::Transaction pay = chain.pay_bob();
  REQUIRE(chain.ledger.apply_block(chain.ctx, chain.next_block({pay})).ok());
  CHECK(chain.pool_error(pay) == CoinError::input_not_found);  // a double spend across blocks
  CHECK(chain.block_error(chain.next_block({pay})) == CoinError::input_not_found);
}

TEST_CASE("signature_not_owner: only the owner's key spends an output") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::Transaction tx = chain.spend({source}, {chain.bob}, {{chain.bob_address, source.body.coins, 1}});
  CHECK(chain.pool_error(tx) == CoinError::signature_not_owner);
  CHECK(chain.block_error(chain.next_block({tx})) == CoinError::signature_not_owner);
}

TEST_CASE("input_coins_overflow: input coins add up within u64") {
  test::ChainFixture chain;
  const std::vector<coin::UxOut> spent{alice_output(chain, k_top_bit, 0, chain.head().time, 1),
                                       alice_output(chain, k_top_bit, 0, chain.head().time, 2)};
  const coin::Transaction tx = chain.spend(spent, {chain.alice, chain.alice}, {{chain.bob_address, 1, 0}});
  CHECK(hard_error(chain, tx, spent, TxContext::in_block) == CoinError::input_coins_overflow);
}

TEST_CASE("insufficient_coins: outputs cannot hold more coins than the inputs") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::Transaction tx = chain.spend({source}, {chain.alice}, {{chain.bob_address, source.body.coins + 1000, 1}});
  CHECK(chain.pool_error(tx) == CoinError::insufficient_coins);
  CHECK(chain.block_error(chain.next_block({tx})) == CoinError::insufficient_coins);
}

TEST_CASE("coins_destroyed: outputs must hold all the coins of the inputs") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::Transaction tx = chain.spend({source}, {chain.alice}, {{chain.bob_address, source.body.coins - 1000, 1}});
  CHECK(chain.pool_error(tx) == CoinError::coins_destroyed);
  CHECK(chain.block_error(chain.next_block({tx})) == CoinError::coins_destroyed);
}

TEST_CASE("input_hours_overflow: input coin hours add up within u64") {
  test::ChainFixture chain;
  const std::vector<coin::UxOut> spent{alice_output(chain, 1000, k_top_bit, chain.head().time, 1),
                                       alice_output(chain, 1000, k_top_bit, chain.head().time, 2)};
  const coin::Transaction tx = chain.spend(spent, {chain.alice, chain.alice}, {{chain.bob_address, 2000, 0}});
  CHECK(hard_error(chain, tx, spent, TxContext::in_block) == CoinError::input_hours_overflow);
}

TEST_CASE("insufficient_hours: outputs cannot hold more coin hours than the inputs have earned") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::Transaction tx =
      chain.spend({source}, {chain.alice}, {{chain.bob_address, source.body.coins, source.body.hours + 1}});
  CHECK(chain.pool_error(tx) == CoinError::insufficient_hours);
  CHECK(chain.block_error(chain.next_block({tx})) == CoinError::insufficient_hours);
  // Hours are counted at the head's time, not the new block's: an hour later the same outputs are still too many.
  CHECK(chain.block_error(chain.next_block({tx}, 100 * 3600)) == CoinError::insufficient_hours);
}

TEST_CASE("output_hours_overflow: a single transaction's output hours add up within u64; a block's may not") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::Transaction tx =
      chain.spend({source}, {chain.alice},
                  {{chain.bob_address, 1000, k_top_bit}, {chain.alice_address, source.body.coins - 1000, k_top_bit}});
  const std::vector<coin::UxOut> spent{source};
  CHECK(hard_error(chain, tx, spent, TxContext::single) == CoinError::output_hours_overflow);
  CHECK(chain.pool_error(tx) == CoinError::output_hours_overflow);
  // Mainnet holds blocks whose output hours overflow, so a block's transaction is let through (the sum wraps).
  CHECK(coin::check_transaction_hard(chain.ctx, tx, chain.head(), spent, TxContext::in_block).ok());
}

TEST_CASE("coin_hours_overflow: an input whose hours overflow is refused alone, counted as 0 in a block") {
  test::ChainFixture chain;
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const std::vector<coin::UxOut> spent{
      alice_output(chain, 10 * coin::k_droplets_per_coin, max - 1, chain.head().time - 3600, 1)};
  const coin::Transaction tx =
      chain.spend(spent, {chain.alice}, {{chain.bob_address, 10 * coin::k_droplets_per_coin, 1}});
  CHECK(hard_error(chain, tx, spent, TxContext::single) == CoinError::coin_hours_overflow);
  CHECK(hard_error(chain, tx, spent, TxContext::in_block) == CoinError::insufficient_hours);
  // seconds x coins overflowing is refused in a block too.
  const std::vector<coin::UxOut> huge{alice_output(chain, max, 0, 0, 2)};
  const coin::Transaction spend_huge = chain.spend(huge, {chain.alice}, {{chain.bob_address, max, 0}});
  CHECK(hard_error(chain, spend_huge, huge, TxContext::in_block) == CoinError::coin_hours_overflow);
}

TEST_CASE("output_collides_unspent: a new output id cannot name an existing unspent output") {
  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  const coin::UxOut phantom = coin::create_unspents(chain.next_block({tx}).header, tx)[0];
  const WithPhantom unspent(chain.ledger.unspent(), phantom);
  auto pool = coin::check_pool_transaction(chain.ctx, unspent, chain.head(), tx, chain.rules);
  REQUIRE(!pool.ok());
  CHECK(pool.error() == CoinError::output_collides_unspent);
  auto block = coin::check_block(chain.ctx, unspent, chain.ledger.head(), chain.next_block({tx}));
  REQUIRE(!block.ok());
  CHECK(block.error() == CoinError::output_collides_unspent);
}
