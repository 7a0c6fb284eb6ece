// Network parameters and unit formatting.
#include "skymesh/coin/params.hpp"

#include <cstdio>

namespace skymesh::coin {

GenesisParams mainnet_genesis() {
  return GenesisParams{cipher::Address::from_base58("2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6"), k_max_droplet_supply,
                       1426562704};
}

std::string format_droplets(uint64_t droplets) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(droplets / k_droplets_per_coin),
                static_cast<unsigned long long>(droplets % k_droplets_per_coin));
  return buf;
}

}  // namespace skymesh::coin
