// Block rules: header against the head, body hash, unspent-set hash, double spends within a block, genesis, the
// block-maker's signature. Each test breaks exactly one rule of a block that passes them all; a refused block
// leaves the ledger as it was.
#include <catch2/catch.hpp>

#include "chain_fixture.hpp"

using namespace skymesh;
using coin::CoinError;

TEST_CASE("a valid block spends its inputs, creates its outputs with the block's time and seq, and moves the head") {
  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  const coin::Block block = chain.next_block({tx});
  const coin::Sha256 ux_hash_before = chain.ledger.unspent().ux_hash();
  auto effect = chain.ledger.apply_block(chain.ctx, block);
  REQUIRE(effect.ok());
  CHECK(effect->spent.size() == 1);
  CHECK(effect->created.size() == 2);
  CHECK(effect->fee == block.header.fee);
  CHECK(chain.ledger.unspent().size() == 2);
  CHECK(chain.ledger.unspent().ux_hash() == effect->ux_hash_after);
  CHECK(chain.ledger.unspent().ux_hash() != ux_hash_before);
  CHECK(*chain.ledger.head() == block.header);
  const auto bobs = chain.ledger.unspent().outputs_of(chain.bob_address);
  REQUIRE(bobs.size() == 1);
  CHECK(bobs[0].head == coin::UxHead{block.header.time, 1});
  CHECK(bobs[0].body.source_transaction == coin::transaction_id(tx));
  CHECK(coin::ux_id(bobs[0]) == coin::output_id(coin::transaction_id(tx), tx.outputs[0]));
}

TEST_CASE("the unspent-set hash is the XOR of every unspent output's snapshot hash") {
  test::ChainFixture chain;
  REQUIRE(chain.ledger.apply_block(chain.ctx, chain.next_block({chain.pay_bob()})).ok());
  coin::Sha256 expected;
  for (const auto& [id, ux] : chain.ledger.unspent().all()) coin::xor_into(expected, coin::snapshot_hash(ux));
  CHECK(chain.ledger.unspent().ux_hash() == expected);
  CHECK(!expected.is_null());
}

TEST_CASE("block_seq_invalid: the next block's seq is the head's plus one") {
  test::ChainFixture chain;
  coin::Block block = chain.next_block({chain.pay_bob()});
  block.header.seq += 1;
  CHECK(chain.block_error(block) == CoinError::block_seq_invalid);
}

TEST_CASE("block_time_not_increasing: a block comes after its head in time") {
  test::ChainFixture chain;
  coin::Block block = chain.next_block({chain.pay_bob()});
  block.header.time = chain.head().time;
  CHECK(chain.block_error(block) == CoinError::block_time_not_increasing);
}

TEST_CASE("prev_hash_mismatch: a block names its head's hash") {
  test::ChainFixture chain;
  coin::Block block = chain.next_block({chain.pay_bob()});
  block.header.prev_hash.bytes()[31] ^= 1;
  CHECK(chain.block_error(block) == CoinError::prev_hash_mismatch);
}

TEST_CASE("body_hash_mismatch: the body hash is the Merkle root of the transaction ids") {
  test::ChainFixture chain;
  coin::Block block = chain.next_block({chain.pay_bob()});
  block.header.body_hash.bytes()[0] ^= 1;
  CHECK(chain.block_error(block) == CoinError::body_hash_mismatch);
}

TEST_CASE("ux_hash_mismatch: the ux hash is the unspent set's before the block") {
  test::ChainFixture chain;
  coin::Block block = chain.next_block({chain.pay_bob()});
  block.header.ux_hash.bytes()[0] ^= 1;
  CHECK(chain.block_error(block) == CoinError::ux_hash_mismatch);
}

TEST_CASE("no_transactions: a block holds at least one transaction") {
  test::ChainFixture chain;
  CHECK(chain.block_error(chain.next_block({})) == CoinError::no_transactions);
}

TEST_CASE("double_spend_in_block: two transactions of a block cannot spend the same output") {
  test::ChainFixture chain;
  const coin::Block block = chain.next_block(
      {chain.pay_bob(1'000 * coin::k_droplets_per_coin), chain.pay_bob(2'000 * coin::k_droplets_per_coin)});
  CHECK(chain.block_error(block) == CoinError::double_spend_in_block);
  const coin::Sha256 before = chain.ledger.unspent().ux_hash();
  CHECK(!chain.ledger.apply_block(chain.ctx, block).ok());
  CHECK(chain.ledger.unspent().ux_hash() == before);  // nothing changed
  CHECK(chain.ledger.head()->seq == 0);
}

TEST_CASE("duplicate_output_in_block: the same transaction twice creates the same outputs twice") {
  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  CHECK(chain.block_error(chain.next_block({tx, tx})) == CoinError::duplicate_output_in_block);
}

TEST_CASE("an output created in a block cannot be spent in the same block") {
  test::ChainFixture chain;
  const coin::Transaction pay = chain.pay_bob();
  const coin::UxOut to_bob = coin::create_unspents(chain.next_block({pay}).header, pay)[0];
  const coin::Transaction onward = chain.spend({to_bob}, {chain.bob}, {{chain.alice_address, to_bob.body.coins, 0}});
  CHECK(chain.block_error(chain.next_block({pay, onward})) == CoinError::input_not_found);
  REQUIRE(chain.ledger.apply_block(chain.ctx, chain.next_block({pay})).ok());
  CHECK(!chain.block_error(chain.next_block({onward})).has_value());
}

TEST_CASE("genesis_mismatch and invalid_genesis: the first block is this network's genesis") {
  test::ChainFixture chain;
  coin::GenesisParams other = chain.genesis;
  other.timestamp += 1;
  coin::Ledger ledger(chain.genesis);
  CHECK(ledger.apply_block(chain.ctx, coin::make_genesis_block(other)).error() == CoinError::genesis_mismatch);
  CHECK(!ledger.head().has_value());

  coin::Block two = coin::make_genesis_block(chain.genesis);
  two.transactions.push_back(two.transactions[0]);
  two.transactions[1].outputs[0].coins -= 1;
  two.header.body_hash = coin::body_hash(two.transactions);
  CHECK(coin::check_block(chain.ctx, coin::UnspentSet{}, std::nullopt, two).error() == CoinError::invalid_genesis);

  coin::Block seq_one = coin::make_genesis_block(chain.genesis);
  seq_one.header.seq = 1;
  CHECK(coin::check_block(chain.ctx, coin::UnspentSet{}, std::nullopt, seq_one).error() ==
        CoinError::block_seq_invalid);
  CHECK(ledger.apply_block(chain.ctx, coin::make_genesis_block(chain.genesis)).ok());
}

TEST_CASE("block_signature_invalid: a signed block verifies only against the block-maker's key") {
  test::ChainFixture chain;
  const coin::SignedBlock block = coin::sign_block(chain.ctx, chain.next_block({chain.pay_bob()}), chain.alice);
  const cipher::PublicKey maker = cipher::public_key_from_secret(chain.ctx, chain.alice);
  const cipher::PublicKey other = cipher::public_key_from_secret(chain.ctx, chain.bob);
  CHECK(coin::verify_block_signature(chain.ctx, maker, block).ok());
  CHECK(coin::verify_block_signature(chain.ctx, other, block).error() == CoinError::block_signature_invalid);
  coin::SignedBlock changed = block;
  changed.block.header.fee += 1;
  CHECK(coin::verify_block_signature(chain.ctx, maker, changed).error() == CoinError::block_signature_invalid);
  // A ledger following another node takes only blocks its block-maker signed.
  const coin::SignedBlock by_bob = coin::sign_block(chain.ctx, block.block, chain.bob);
  CHECK(chain.ledger.apply_signed_block(chain.ctx, maker, by_bob).error() == CoinError::block_signature_invalid);
  CHECK(chain.ledger.head()->seq == 0);
  CHECK(chain.ledger.apply_signed_block(chain.ctx, maker, block).ok());
  CHECK(chain.ledger.head()->seq == 1);
  // The genesis block is signed the same way.
  const coin::SignedBlock genesis = coin::sign_block(chain.ctx, coin::make_genesis_block(chain.genesis), chain.alice);
  CHECK(coin::verify_block_signature(chain.ctx, maker, genesis).ok());
}

TEST_CASE("every error code has a stable name") {
  CHECK(coin::coin_error_name(CoinError::truncated) == "truncated");
  CHECK(coin::coin_error_name(CoinError::double_spend_in_block) == "double_spend_in_block");
  CHECK(coin::coin_error_name(CoinError::block_too_large) == "block_too_large");
  CHECK(static_cast<int>(CoinError::inner_hash_mismatch) == 32);
  CHECK(coin::CoinFault{CoinError::zero_fee, "x"}.to_string() == "zero_fee: x");
}
