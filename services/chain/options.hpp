// What the chain serverlet's own flags mean, shared by the import command and the serving node.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "network.hpp"
#include "skymesh/bus/serverlet.hpp"

namespace skymesh::chain {

// The value of --NAME, or "" when absent.
std::string flag(const bus::ServerletOptions& options, const std::string& name);
// The store's folder: DATA/chain. bad_request when --data is missing.
bus::Result<std::filesystem::path> store_dir(const bus::ServerletOptions& options);
// --genesis FILE, or mainnet without it.
bus::Result<Network> network_of(const cipher::Secp256k1& ctx, const bus::ServerletOptions& options);

// --block-key FILE: the block-making secret key as hex (whitespace around it ignored); nullopt without the flag.
// bad_request when the file is unreadable, not a key, or not the network's block-making key.
bus::Result<std::optional<cipher::SecretKey>> block_key_of(const cipher::Secp256k1& ctx, const Network& network,
                                                           const bus::ServerletOptions& options);
// --block-interval SECONDS (0 or absent: blocks only on chain.make_block).
bus::Result<uint64_t> block_interval_of(const bus::ServerletOptions& options);

}  // namespace skymesh::chain
