#include "local_network.hpp"

#include <sys/stat.h>

#include <chrono>
#include <fstream>

#include <sodium.h>

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/deterministic.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "toml_writer.hpp"

namespace skymesh::launcher {
namespace {

constexpr int64_t k_default_coin_volume = 100'000'000'000'000;  // 100M SKY in droplets, as Skycoin mainnet

bus::Status write_secret(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text << "\n";
  if (!out.flush()) return bus::Status(bus::ErrorCode::storage, "cannot write " + path.string());
  out.close();
  if (::chmod(path.c_str(), 0600) != 0) return bus::Status(bus::ErrorCode::storage, "cannot chmod " + path.string());
  return bus::Status();
}

}  // namespace

std::filesystem::path block_maker_key_file(const VarLayout& var) {
  return var.keys_dir() / "block-maker.secret";
}
std::filesystem::path genesis_seed_file(const VarLayout& var) {
  return var.keys_dir() / "genesis.seed";
}

bus::Status write_genesis(const VarLayout& var, const MeshConfig& config, std::vector<std::string>& created) {
  if (config.genesis.empty() || std::filesystem::exists(var.genesis_file())) return bus::Status();
  toml::Table table;
  bool generate = false;
  for (const auto& [key, value] : config.genesis.entries()) {
    if (key == "generate") {
      if (!value.as_boolean()) return bus::Status(bus::ErrorCode::bad_request, "[genesis] generate must be a boolean");
      generate = *value.as_boolean();
      continue;
    }
    table.insert(key, value);
  }
  std::string comment = "# written by the first `skymesh up` from [genesis] of mesh.toml; later runs keep it\n";
  if (generate) {
    if (sodium_init() < 0) return bus::Status(bus::ErrorCode::internal, "libsodium failed to initialise");
    std::filesystem::create_directories(var.keys_dir());
    cipher::Secp256k1 ctx;
    const cipher::KeyPair maker = cipher::generate_key_pair(ctx);
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    const std::string seed = cipher::to_hex(cipher::ByteView(random, sizeof random));
    auto owner = cipher::deterministic_key_pair(
        ctx, cipher::ByteView(reinterpret_cast<const uint8_t*>(seed.data()), seed.size()));
    if (!owner.ok()) return bus::Status(bus::ErrorCode::internal, "genesis key: " + owner.fault().to_string());
    if (bus::Status s = write_secret(block_maker_key_file(var), maker.secret_key.hex()); !s.ok()) return s;
    created.push_back(block_maker_key_file(var).string());
    if (bus::Status s = write_secret(genesis_seed_file(var), seed); !s.ok()) return s;
    created.push_back(genesis_seed_file(var).string());
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    table.insert("genesis_address_str",
                 toml::Value(cipher::Address::from_public_key(owner.value().public_key).to_base58()));
    table.insert("blockchain_pubkey_str", toml::Value(maker.public_key.hex()));
    if (!table.contains("genesis_coin_volume")) table.insert("genesis_coin_volume", toml::Value(k_default_coin_volume));
    if (!table.contains("genesis_timestamp")) table.insert("genesis_timestamp", toml::Value(now));
    comment +=
        "# a new local test network: block maker key in keys/block-maker.secret, the genesis coins belong to\n"
        "# the first deterministic address of the seed in keys/genesis.seed (create a wallet from it)\n";
  }
  std::ofstream out(var.genesis_file());
  out << comment << to_toml(table);
  if (!out.flush()) return bus::Status(bus::ErrorCode::storage, "cannot write " + var.genesis_file().string());
  created.push_back(var.genesis_file().string());
  return bus::Status();
}

}  // namespace skymesh::launcher
