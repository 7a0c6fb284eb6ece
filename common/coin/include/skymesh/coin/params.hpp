// Units and network parameters: 1 SKY = 10^6 droplets, 100M SKY supply; the soft-rule limits Skycoin's pool and
// block maker apply (its params.UserVerifyTxn / CreateBlock settings on mainnet); the genesis of a network.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "skymesh/cipher/address.hpp"

namespace skymesh::coin {

inline constexpr uint64_t k_droplets_per_coin = 1'000'000;
inline constexpr uint8_t k_droplet_exponent = 6;
inline constexpr uint64_t k_max_coin_supply = 100'000'000;  // whole coins
inline constexpr uint64_t k_max_droplet_supply = k_max_coin_supply * k_droplets_per_coin;

// Limits that may change without a fork: blocks already in the chain are never judged by them.
struct SoftRules {
  uint32_t burn_factor = 10;                      // at least 1/burn_factor of the input hours is burned, rounded up
  uint32_t max_transaction_size = 32768;          // bytes of one encoded transaction
  uint32_t max_block_size = 32768;                // bytes of a block's transactions together
  uint8_t max_droplet_precision = 3;              // decimals allowed in output coins (0..6)
  std::vector<cipher::Address> locked_addresses;  // distribution addresses that may not spend yet
};

// What a network's first block is made from (fiber.toml: genesis_address_str, genesis_coin_volume,
// genesis_timestamp).
struct GenesisParams {
  cipher::Address address;
  uint64_t coins = 0;  // droplets; the genesis output also gets this many hours
  uint64_t timestamp = 0;
};

// Skycoin mainnet: 2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6, 10^14 droplets, 1426562704.
GenesisParams mainnet_genesis();

// Droplets as Skycoin's API prints coins: "1000000.000000" (always 6 decimals).
std::string format_droplets(uint64_t droplets);

}  // namespace skymesh::coin
