// A local test network for the chain serverlet, made by the first `skymesh up` when mesh.toml's [genesis] says
// `generate = true`: a block-making key, a genesis wallet seed that owns every coin, and var/genesis.toml in
// Skycoin's fiber.toml key names (genesis_address_str, genesis_coin_volume, genesis_timestamp,
// blockchain_pubkey_str, plus any other [genesis] keys passed through). Later runs keep all of it.
#pragma once

#include <string>
#include <vector>

#include "mesh_config.hpp"
#include "skymesh/bus/status.hpp"
#include "var_layout.hpp"

namespace skymesh::launcher {

// var/keys/block-maker.secret: the block-making secret key, hex (what skymesh-chain --block-key reads).
std::filesystem::path block_maker_key_file(const VarLayout& var);
// var/keys/genesis.seed: the seed whose first deterministic address holds the genesis coins.
std::filesystem::path genesis_seed_file(const VarLayout& var);

// Writes var/genesis.toml (and, with `generate = true`, the two secret files, mode 0600) unless it exists.
// `created` gets the files written.
bus::Status write_genesis(const VarLayout& var, const MeshConfig& config, std::vector<std::string>& created);

}  // namespace skymesh::launcher
