// A network's description: its genesis, the block-making public key and the soft-rule limits, read from a
// `fiber.toml`-style file with Skycoin's key names. Keys may sit at the top level or under [node] / [params]:
//   genesis_address_str, genesis_coin_volume (droplets), genesis_timestamp, blockchain_pubkey_str (required);
//   unconfirmed_burn_factor / user_burn_factor, unconfirmed_max_transaction_size / user_max_transaction_size,
//   max_block_transactions_size / max_block_size, unconfirmed_max_decimals / user_max_decimals (optional,
//   Skycoin's mainnet defaults otherwise). Unknown keys (ports, peers, ...) are ignored.
// Without a file the node is on Skycoin mainnet.
#pragma once

#include <filesystem>
#include <string>

#include "skymesh/bus/status.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/coin/coin.hpp"
#include "skymesh/toml/toml.hpp"

namespace skymesh::chain {

struct Network {
  std::string name;  // "mainnet", or the file's name
  coin::GenesisParams genesis;
  cipher::PublicKey block_maker;  // verifies every block received from other nodes
  coin::SoftRules soft;
};

// Skycoin mainnet: coin::mainnet_genesis(), block-making key 0328c576…456a, mainnet soft rules.
Network mainnet_network(const cipher::Secp256k1& ctx);

// bad_request naming the key (and line) when a required key is missing, of the wrong type, or out of range.
bus::Result<Network> network_from_toml(const cipher::Secp256k1& ctx, const toml::Table& root, std::string name);
// Reads and parses the file; bad_request with the TOML error when it does not parse.
bus::Result<Network> load_network_file(const cipher::Secp256k1& ctx, const std::filesystem::path& path);

}  // namespace skymesh::chain
