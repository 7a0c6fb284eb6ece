#include "consensus_network.hpp"

#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "local_network.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"

namespace skymesh::launcher {
namespace {

std::string endpoint_of(const std::string& pattern, int index) {
  std::string out = pattern;
  for (auto at = out.find("{i}"); at != std::string::npos; at = out.find("{i}", at)) {
    out.replace(at, 3, std::to_string(index));
  }
  return out;
}

}  // namespace

std::filesystem::path node_secret_file(const VarLayout& var, int index) {
  return var.keys_dir() / ("node-" + std::to_string(index) + ".secret");
}
std::filesystem::path trust_file(const VarLayout& var) {
  return var.root() / "trust.toml";
}

bus::Status write_consensus_network(const VarLayout& var, const MeshConfig& config, const ConsensusNetworkSpec& spec,
                                    std::vector<std::string>& created) {
  if (spec.nodes < 1 || spec.nodes > 100) {
    return bus::Status(bus::ErrorCode::bad_request, "--nodes takes 1..100, got " + std::to_string(spec.nodes));
  }
  if (spec.endpoint_pattern.find("{i}") == std::string::npos && spec.nodes > 1) {
    return bus::Status(bus::ErrorCode::bad_request,
                       "--endpoint needs {i} (the node's index): " + spec.endpoint_pattern);
  }
  if (std::filesystem::exists(trust_file(var))) return bus::Status();
  std::error_code error;
  std::filesystem::create_directories(var.keys_dir(), error);
  if (error) return bus::Status(bus::ErrorCode::storage, "cannot create " + var.keys_dir().string());
  if (bus::Status s = write_genesis(var, config, created); !s.ok()) return s;
  const cipher::Secp256k1 ctx;
  std::ostringstream trust;
  trust << "# written by skymesh consensus-network: the " << spec.nodes << " block-making nodes of this network\n";
  for (int i = 0; i < spec.nodes; ++i) {
    const std::filesystem::path secret_path = node_secret_file(var, i);
    std::optional<cipher::KeyPair> keys;
    if (std::filesystem::exists(secret_path)) {
      std::ifstream in(secret_path);
      std::string hex;
      in >> hex;
      auto secret = cipher::SecretKey::try_from_hex(hex);
      if (!secret) return bus::Status(bus::ErrorCode::bad_request, secret_path.string() + ": " + secret.message());
      keys.emplace(cipher::KeyPair{cipher::public_key_from_secret(ctx, secret.value()), secret.value()});
    } else {
      keys.emplace(cipher::generate_key_pair(ctx));
      std::ofstream out(secret_path, std::ios::trunc);
      out << keys->secret_key.hex() << "\n";
      if (!out.flush()) return bus::Status(bus::ErrorCode::storage, "cannot write " + secret_path.string());
      out.close();
      ::chmod(secret_path.c_str(), 0600);
      created.push_back(secret_path.string());
    }
    trust << "\n[[node]]\npublic_key = \"" << keys->public_key.hex() << "\"\nendpoint = \""
          << endpoint_of(spec.endpoint_pattern, i) << "\"\n";
    if (!spec.bus_key.empty()) trust << "bus_key = \"" << spec.bus_key << "\"\n";
  }
  const std::filesystem::path temp = trust_file(var).string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << trust.str();
    if (!out.flush()) return bus::Status(bus::ErrorCode::storage, "cannot write " + temp.string());
  }
  std::filesystem::rename(temp, trust_file(var), error);
  if (error) return bus::Status(bus::ErrorCode::storage, "cannot write " + trust_file(var).string());
  created.push_back(trust_file(var).string());
  return bus::Status();
}

}  // namespace skymesh::launcher
