#include "network.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace skymesh::chain {
namespace {

constexpr std::string_view k_mainnet_block_maker = "0328c576d3f420e7682058a981173a4b374c7cc5ff55bf394d3cf57059bbe6456a";

bus::Status bad(std::string message) {
  return bus::Status(bus::ErrorCode::bad_request, "network file: " + std::move(message));
}

// Looks `key` up at the top level, then under [node], then under [params].
const toml::Value* find_key(const toml::Table& root, std::string_view key) {
  if (const toml::Value* v = root.find(key)) return v;
  for (std::string_view section : {"node", "params"}) {
    const toml::Value* table = root.find(section);
    if (table && table->as_table()) {
      if (const toml::Value* v = table->as_table()->find(key)) return v;
    }
  }
  return nullptr;
}

std::string where(std::string_view key, const toml::Value& v) {
  return "`" + std::string(key) + "` (line " + std::to_string(v.line()) + ")";
}

bus::Result<std::string> text_key(const toml::Table& root, std::string_view key) {
  const toml::Value* v = find_key(root, key);
  if (!v) return bad("missing `" + std::string(key) + "`");
  if (!v->as_string()) return bad(where(key, *v) + " must be a string");
  return *v->as_string();
}

// An integer in [min, max]; nullopt when absent (an error only when present and wrong).
bus::Result<std::optional<uint64_t>> integer_key(const toml::Table& root, std::initializer_list<std::string_view> keys,
                                                 uint64_t min, uint64_t max) {
  for (std::string_view key : keys) {
    const toml::Value* v = find_key(root, key);
    if (!v) continue;
    if (!v->as_integer()) return bad(where(key, *v) + " must be an integer");
    const int64_t n = *v->as_integer();
    if (n < 0 || static_cast<uint64_t>(n) < min || static_cast<uint64_t>(n) > max) {
      return bad(where(key, *v) + " must be " + std::to_string(min) + ".." + std::to_string(max) + ", got " +
                 std::to_string(n));
    }
    return std::optional<uint64_t>(static_cast<uint64_t>(n));
  }
  return std::optional<uint64_t>();
}

}  // namespace

Network mainnet_network(const cipher::Secp256k1& ctx) {
  return Network{"mainnet", coin::mainnet_genesis(), cipher::PublicKey::from_hex(ctx, k_mainnet_block_maker), {}};
}

bus::Result<Network> network_from_toml(const cipher::Secp256k1& ctx, const toml::Table& root, std::string name) {
  auto pubkey = text_key(root, "blockchain_pubkey_str");
  if (!pubkey.ok()) return pubkey.status();
  auto key = cipher::PublicKey::try_from_hex(ctx, pubkey.value());
  if (!key) return bad("`blockchain_pubkey_str`: " + key.fault().to_string());
  Network network{std::move(name), {}, key.value(), {}};
  auto address = text_key(root, "genesis_address_str");
  if (!address.ok()) return address.status();
  auto parsed = cipher::Address::try_from_base58(address.value());
  if (!parsed) return bad("`genesis_address_str`: " + parsed.fault().to_string());
  network.genesis.address = parsed.value();
  auto coins = integer_key(root, {"genesis_coin_volume"}, 1, coin::k_max_droplet_supply);
  if (!coins.ok()) return coins.status();
  if (!coins.value()) return bad("missing `genesis_coin_volume`");
  network.genesis.coins = *coins.value();
  auto timestamp = integer_key(root, {"genesis_timestamp"}, 0, std::numeric_limits<int64_t>::max());
  if (!timestamp.ok()) return timestamp.status();
  if (!timestamp.value()) return bad("missing `genesis_timestamp`");
  network.genesis.timestamp = *timestamp.value();

  auto burn = integer_key(root, {"unconfirmed_burn_factor", "user_burn_factor"}, 1, 1000000);
  if (!burn.ok()) return burn.status();
  if (burn.value()) network.soft.burn_factor = static_cast<uint32_t>(*burn.value());
  auto tx_size = integer_key(root, {"unconfirmed_max_transaction_size", "user_max_transaction_size"}, 1, 1u << 30);
  if (!tx_size.ok()) return tx_size.status();
  if (tx_size.value()) network.soft.max_transaction_size = static_cast<uint32_t>(*tx_size.value());
  auto block_size = integer_key(root, {"max_block_transactions_size", "max_block_size"}, 1, 1u << 30);
  if (!block_size.ok()) return block_size.status();
  if (block_size.value()) network.soft.max_block_size = static_cast<uint32_t>(*block_size.value());
  auto decimals = integer_key(root, {"unconfirmed_max_decimals", "user_max_decimals"}, 0, coin::k_droplet_exponent);
  if (!decimals.ok()) return decimals.status();
  if (decimals.value()) network.soft.max_droplet_precision = static_cast<uint8_t>(*decimals.value());
  return network;
}

bus::Result<Network> load_network_file(const cipher::Secp256k1& ctx, const std::filesystem::path& path) {
  toml::ParseResult parsed = toml::parse_file(path);
  if (!parsed.ok()) return bad(parsed.error().to_string());
  return network_from_toml(ctx, parsed.table(), path.filename().string());
}

}  // namespace skymesh::chain
