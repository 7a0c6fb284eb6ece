// The form rules of one transaction (Skycoin's Transaction.Verify): each test breaks exactly one rule of a payment
// that passes them all and sees that rule's code, from check_transaction_form and from the pool.
#include <catch2/catch.hpp>

#include "chain_fixture.hpp"

using namespace skymesh;
using coin::CoinError;

namespace {

CoinError form_error(const test::ChainFixture& chain, const coin::Transaction& tx) {
  auto result = coin::check_transaction_form(chain.ctx, tx);
  REQUIRE(!result.ok());
  INFO(result.fault().to_string());
  return result.error();
}

}  // namespace

TEST_CASE("a signed payment passes every form rule, the pool and a block") {
  test::ChainFixture chain;
  const coin::Transaction tx = chain.pay_bob();
  auto owners = coin::check_transaction_form(chain.ctx, tx);
  REQUIRE(owners.ok());
  CHECK(owners.value() == std::vector<cipher::Address>{chain.alice_address});
  CHECK(!chain.pool_error(tx).has_value());
  CHECK(!chain.block_error(chain.next_block({tx})).has_value());
}

TEST_CASE("no_inputs: a transaction must spend something") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  tx.inputs.clear();
  tx.sigs.clear();
  coin::update_header(tx);
  CHECK(form_error(chain, tx) == CoinError::no_inputs);
  CHECK(chain.pool_error(tx) == CoinError::no_inputs);
}

TEST_CASE("no_outputs: a transaction must create something") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  tx.outputs.clear();
  coin::update_header(tx);
  CHECK(form_error(chain, tx) == CoinError::no_outputs);
}

TEST_CASE("signature_count_mismatch: one signature per input") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  tx.sigs.push_back(tx.sigs[0]);
  coin::update_header(tx);
  CHECK(form_error(chain, tx) == CoinError::signature_count_mismatch);
}

TEST_CASE("too_many_inputs: at most 65535 inputs") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  for (uint32_t i = 0; tx.inputs.size() <= coin::k_max_slice_length; ++i) {
    tx.inputs.push_back(cipher::sha256(cipher::as_bytes(std::to_string(i))));
    tx.sigs.push_back(tx.sigs[0]);
  }
  CHECK(form_error(chain, tx) == CoinError::too_many_inputs);
}

TEST_CASE("too_many_outputs: at most 65535 outputs") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  tx.outputs.resize(coin::k_max_slice_length + 1, tx.outputs[0]);
  CHECK(form_error(chain, tx) == CoinError::too_many_outputs);
}

TEST_CASE("duplicate_input: an output is spent once per transaction") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::Transaction tx =
      chain.spend({source, source}, {chain.alice, chain.alice}, {{chain.bob_address, source.body.coins, 1}});
  CHECK(form_error(chain, tx) == CoinError::duplicate_input);
  CHECK(chain.pool_error(tx) == CoinError::duplicate_input);
}

TEST_CASE("invalid_type: the type byte is 0") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  tx.type = 1;
  CHECK(form_error(chain, tx) == CoinError::invalid_type);
}

TEST_CASE("length_mismatch: Length is the encoded size") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  tx.length += 1;
  CHECK(form_error(chain, tx) == CoinError::length_mismatch);
}

TEST_CASE("duplicate_output: two outputs of one transaction cannot share an id") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::TransactionOutput half{chain.bob_address, source.body.coins / 2, 1};
  const coin::Transaction tx = chain.spend({source}, {chain.alice}, {half, half});
  CHECK(form_error(chain, tx) == CoinError::duplicate_output);
}

TEST_CASE("invalid_signature: a high-s signature or a bad recovery id is refused") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  tx.sigs[0].bytes()[32] |= 0x80;
  CHECK(form_error(chain, tx) == CoinError::invalid_signature);
  tx = chain.pay_bob();
  tx.sigs[0].bytes()[64] = 4;
  CHECK(form_error(chain, tx) == CoinError::invalid_signature);
  tx = chain.pay_bob();
  tx.sigs[0] = coin::Signature{};  // an unsigned input
  CHECK(form_error(chain, tx) == CoinError::invalid_signature);
}

TEST_CASE("zero_coin_output: every output carries coins") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const coin::Transaction tx =
      chain.spend({source}, {chain.alice}, {{chain.bob_address, 0, 1}, {chain.alice_address, source.body.coins, 1}});
  CHECK(form_error(chain, tx) == CoinError::zero_coin_output);
}

TEST_CASE("output_coins_overflow: output coins add up within u64") {
  test::ChainFixture chain;
  const coin::UxOut source = chain.genesis_output();
  const uint64_t half = uint64_t{1} << 63;
  const coin::Transaction tx =
      chain.spend({source}, {chain.alice}, {{chain.bob_address, half, 1}, {chain.alice_address, half, 1}});
  CHECK(form_error(chain, tx) == CoinError::output_coins_overflow);
}

TEST_CASE("inner_hash_mismatch: InnerHash is the hash of the inputs and outputs") {
  test::ChainFixture chain;
  coin::Transaction tx = chain.pay_bob();
  tx.outputs[0].hours += 1;  // same size, signatures still match the stated InnerHash
  CHECK(form_error(chain, tx) == CoinError::inner_hash_mismatch);
  CHECK(chain.pool_error(tx) == CoinError::inner_hash_mismatch);
}
