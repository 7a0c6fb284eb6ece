// A small chain for the rule tests: a genesis block paying all coins to alice (t0 = 1600000000), applied to an
// in-memory Ledger, and helpers to build signed transactions and next blocks the way Skycoin's NewBlock does.
// Each rule test starts from a transaction or block that passes every rule and breaks exactly one.
#pragma once

#include <cstdint>
#include <vector>

#include "skymesh/cipher/cipher.hpp"
#include "skymesh/coin/coin.hpp"

namespace skymesh::test {

class ChainFixture {
 public:
  ChainFixture();

  static cipher::SecretKey key_from_name(const char* name);

  const coin::BlockHeader& head() const { return *ledger.head(); }
  // The one output of the genesis block.
  coin::UxOut genesis_output() const;
  // Signs a transaction spending in[i] with keys[i] to outs (UpdateHeader included).
  coin::Transaction spend(const std::vector<coin::UxOut>& in, const std::vector<cipher::SecretKey>& keys,
                          std::vector<coin::TransactionOutput> outs) const;
  // Spends the genesis output: `coins` droplets and 1000 hours to bob, the rest of the coins and 1000 hours back
  // to alice; burns all other hours. Passes every hard and soft rule.
  coin::Transaction pay_bob(uint64_t coins = 1'000 * coin::k_droplets_per_coin) const;
  // The next block holding txs, `dt` seconds after the head, header as Skycoin's NewBlock makes it.
  coin::Block next_block(std::vector<coin::Transaction> txs, uint64_t dt = 3600) const;
  // check_pool_transaction's code, or nullopt when it passes.
  std::optional<coin::CoinError> pool_error(const coin::Transaction& tx) const;
  std::optional<coin::CoinError> block_error(const coin::Block& block) const;

  cipher::Secp256k1 ctx;
  cipher::SecretKey alice;
  cipher::SecretKey bob;
  cipher::Address alice_address;
  cipher::Address bob_address;
  coin::GenesisParams genesis;
  coin::SoftRules rules;
  coin::Ledger ledger;
};

}  // namespace skymesh::test
