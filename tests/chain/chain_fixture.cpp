// The rule tests' chain.
#include "chain_fixture.hpp"

#include <stdexcept>

namespace skymesh::test {

cipher::SecretKey ChainFixture::key_from_name(const char* name) {
  return cipher::SecretKey::from_bytes(cipher::sha256(cipher::as_bytes(name)).view());
}

ChainFixture::ChainFixture()
    : alice(key_from_name("alice")),
      bob(key_from_name("bob")),
      alice_address(cipher::Address::from_secret_key(ctx, alice)),
      bob_address(cipher::Address::from_secret_key(ctx, bob)),
      genesis{alice_address, coin::k_max_droplet_supply, 1'600'000'000},
      ledger(genesis) {
  auto applied = ledger.apply_block(ctx, coin::make_genesis_block(genesis));
  if (!applied) throw std::runtime_error("fixture genesis: " + applied.fault().to_string());
}

coin::UxOut ChainFixture::genesis_output() const {
  auto outputs = ledger.unspent().outputs_of(alice_address);
  if (outputs.size() != 1) throw std::runtime_error("fixture: alice should hold one output");
  return outputs[0];
}

coin::Transaction ChainFixture::spend(const std::vector<coin::UxOut>& in, const std::vector<cipher::SecretKey>& keys,
                                      std::vector<coin::TransactionOutput> outs) const {
  coin::Transaction tx;
  for (const coin::UxOut& ux : in) tx.inputs.push_back(coin::ux_id(ux));
  tx.outputs = std::move(outs);
  coin::sign_inputs(ctx, tx, keys);
  return tx;
}

coin::Transaction ChainFixture::pay_bob(uint64_t coins) const {
  const coin::UxOut source = genesis_output();
  return spend({source}, {alice}, {{bob_address, coins, 1000}, {alice_address, source.body.coins - coins, 1000}});
}

coin::Block ChainFixture::next_block(std::vector<coin::Transaction> txs, uint64_t dt) const {
  coin::Block block;
  block.transactions = std::move(txs);
  block.header.version = head().version;
  block.header.time = head().time + dt;
  block.header.seq = head().seq + 1;
  block.header.prev_hash = coin::block_hash(head());
  block.header.body_hash = coin::body_hash(block.transactions);
  block.header.ux_hash = ledger.unspent().ux_hash();
  for (const coin::Transaction& tx : block.transactions) {
    auto spent = coin::find_inputs(ledger.unspent(), tx);
    if (!spent) continue;
    auto fee = coin::transaction_fee(tx, head().time, spent.value());
    if (fee) block.header.fee += fee.value();
  }
  return block;
}

std::optional<coin::CoinError> ChainFixture::pool_error(const coin::Transaction& tx) const {
  auto result = coin::check_pool_transaction(ctx, ledger.unspent(), head(), tx, rules);
  if (result) return std::nullopt;
  return result.error();
}

std::optional<coin::CoinError> ChainFixture::block_error(const coin::Block& block) const {
  auto result = coin::check_block(ctx, ledger.unspent(), ledger.head(), block, genesis);
  if (result) return std::nullopt;
  return result.error();
}

}  // namespace skymesh::test
