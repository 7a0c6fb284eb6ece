#include "options.hpp"

#include <sodium.h>

#include <charconv>
#include <fstream>

namespace skymesh::chain {

std::string flag(const bus::ServerletOptions& options, const std::string& name) {
  auto it = options.values.find(name);
  return it == options.values.end() ? std::string() : it->second;
}

bus::Result<std::filesystem::path> store_dir(const bus::ServerletOptions& options) {
  if (options.data_dir.empty()) return bus::Status(bus::ErrorCode::bad_request, "--data DIR is required");
  return std::filesystem::path(options.data_dir) / "chain";
}

bus::Result<Network> network_of(const cipher::Secp256k1& ctx, const bus::ServerletOptions& options) {
  const std::string genesis = flag(options, "genesis");
  if (genesis.empty()) return mainnet_network(ctx);
  return load_network_file(ctx, genesis);
}

bus::Result<std::optional<cipher::SecretKey>> block_key_of(const cipher::Secp256k1& ctx, const Network& network,
                                                           const bus::ServerletOptions& options) {
  const std::string path = flag(options, "block-key");
  if (path.empty()) return std::optional<cipher::SecretKey>();
  std::ifstream file(path);
  std::string text;
  if (!file || !(file >> text)) return bus::Status(bus::ErrorCode::bad_request, "--block-key: cannot read " + path);
  auto key = cipher::SecretKey::try_from_hex(text);
  sodium_memzero(text.data(), text.size());
  if (!key) return bus::Status(bus::ErrorCode::bad_request, "--block-key: " + key.fault().to_string());
  if (cipher::public_key_from_secret(ctx, key.value()) != network.block_maker) {
    return bus::Status(bus::ErrorCode::bad_request, "--block-key: not the block-making key of network " + network.name +
                                                        " (" + network.block_maker.hex() + ")");
  }
  return std::optional<cipher::SecretKey>(key.value());
}

bus::Result<uint64_t> block_interval_of(const bus::ServerletOptions& options) {
  const std::string text = flag(options, "block-interval");
  if (text.empty()) return uint64_t{0};
  uint64_t seconds = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || seconds > 86400) {
    return bus::Status(bus::ErrorCode::bad_request, "--block-interval takes 0..86400 seconds, got " + text);
  }
  return seconds;
}

}  // namespace skymesh::chain
