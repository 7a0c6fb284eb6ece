// A small made-up network for the chain serverlet's tests: known genesis and block-making keys, its network file
// (fiber.toml keys), a chain of valid blocks made with coin::make_block, and those blocks written in the JSON of
// Skycoin's node API (what `skymesh-chain --import` reads).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "skymesh/coin/coin.hpp"

namespace skymesh::test {

struct TestNetwork {
  cipher::SecretKey genesis_key;  // owns the genesis output
  cipher::Address genesis_address;
  cipher::SecretKey block_key;  // the block-making key
  cipher::PublicKey block_public;
  coin::GenesisParams genesis;

  explicit TestNetwork(const cipher::Secp256k1& ctx);
  // The network file: genesis_address_str, genesis_coin_volume, genesis_timestamp, blockchain_pubkey_str.
  std::string toml() const;
};

// Blocks 0..count-1: genesis; block 1 splits the genesis output in two; then one transaction per block that spends
// one of the two (in turn) into 1 coin to another address and the change back, burning the least fee plus one.
// Block i has time genesis.timestamp + 10 i. Deterministic.
std::vector<coin::Block> synthetic_chain(const cipher::Secp256k1& ctx, const TestNetwork& network, size_t count);

// The blocks as Skycoin's /api/v1/blocks prints them ({"blocks":[...]}).
std::string to_api_json(const std::vector<coin::Block>& blocks);

// A transaction spending `spent` (owned by key) into `outputs`, signed and with its header set.
coin::Transaction spend(const cipher::Secp256k1& ctx, const cipher::SecretKey& key, const coin::UxOut& spent,
                        std::vector<coin::TransactionOutput> outputs);

}  // namespace skymesh::test
