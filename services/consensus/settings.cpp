#include "settings.hpp"

#include "skymesh/bus/security.hpp"

#include <sodium.h>

#include <charconv>
#include <fstream>

namespace skymesh::consensus_service {
namespace {

using bus::ErrorCode;

std::string flag(const bus::ServerletOptions& options, const std::string& name) {
  auto it = options.values.find(name);
  return it == options.values.end() ? std::string() : it->second;
}

bus::Status read_ms(const bus::ServerletOptions& options, const std::string& name, uint64_t& out) {
  const std::string text = flag(options, name);
  if (text.empty()) return bus::Status();
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > 3'600'000) {
    return bus::Status(ErrorCode::bad_request, "--" + name + " takes 0..3600000 milliseconds, got " + text);
  }
  out = value;
  return bus::Status();
}

}  // namespace

std::map<std::string, std::string> settings_flags() {
  return {{"chain", "endpoint of this node's chain serverlet (started with --consensus 1)"},
          {"chain-key", "the chain serverlet's CurveZMQ public key (Z85, or a key file), when keys are used"},
          {"secret", "file holding this node's secp256k1 signing key (hex)"},
          {"trust", "TOML file: one [[node]] per member (public_key hex, endpoint, optional bus_key)"},
          {"chain-id", "the network's name in every signature (default skymesh)"},
          {"propose-ms", "propose timeout of round 0 (default 1000)"},
          {"round-delta-ms", "added to the propose timeout per round (default 20; prevote/precommit get half)"},
          {"vote-ms", "prevote and precommit timeouts of round 0 (default 300)"},
          {"commit-ms", "pause after a commit before the next height (default 0)"}};
}

bus::Result<Settings> read_settings(const cipher::Secp256k1& ctx, const bus::ServerletOptions& options) {
  Settings settings;
  if (options.data_dir.empty()) return bus::Status(ErrorCode::bad_request, "--data DIR is required");
  settings.wal_dir = std::filesystem::path(options.data_dir) / "wal";
  settings.topics_dir = std::filesystem::path(options.data_dir) / "topics";
  settings.chain = flag(options, "chain");
  if (settings.chain.empty()) return bus::Status(ErrorCode::bad_request, "--chain ENDPOINT is required");
  settings.chain_key = flag(options, "chain-key");
  if (!settings.chain_key.empty() && !bus::valid_z85_key(settings.chain_key)) {  // a key file
    auto keys = bus::load_key_file(settings.chain_key);
    if (!keys.ok()) return bus::Status(ErrorCode::bad_request, "--chain-key: " + keys.status().message());
    settings.chain_key = keys->public_key;
  }

  const std::string secret_path = flag(options, "secret");
  if (secret_path.empty()) return bus::Status(ErrorCode::bad_request, "--secret FILE is required");
  std::ifstream secret_file(secret_path);
  std::string hex;
  if (!secret_file || !(secret_file >> hex)) {
    return bus::Status(ErrorCode::bad_request, "--secret: cannot read " + secret_path);
  }
  auto secret = cipher::SecretKey::try_from_hex(hex);
  sodium_memzero(hex.data(), hex.size());
  if (!secret) return bus::Status(ErrorCode::bad_request, "--secret: " + secret.fault().to_string());
  settings.keys.emplace(cipher::KeyPair{cipher::public_key_from_secret(ctx, secret.value()), secret.value()});

  const std::string trust_path = flag(options, "trust");
  if (trust_path.empty()) return bus::Status(ErrorCode::bad_request, "--trust FILE is required");
  auto members = consensus::read_trust_file(ctx, trust_path);
  if (!members) return bus::Status(ErrorCode::bad_request, "--trust: " + members.message());
  settings.members = std::move(members).value();

  consensus::Config& config = settings.config;
  config.chain_id = flag(options, "chain-id").empty() ? std::string("skymesh") : flag(options, "chain-id");
  config.propose_ms = 1000;
  config.propose_delta_ms = 20;
  config.prevote_ms = config.precommit_ms = 300;
  config.prevote_delta_ms = config.precommit_delta_ms = 10;
  config.commit_ms = 0;
  uint64_t delta = 20;
  uint64_t vote = 300;
  for (const auto& [name, out] : {std::pair<const char*, uint64_t*>{"propose-ms", &config.propose_ms},
                                  {"round-delta-ms", &delta},
                                  {"vote-ms", &vote},
                                  {"commit-ms", &config.commit_ms}}) {
    if (bus::Status read = read_ms(options, name, *out); !read.ok()) return read;
  }
  config.propose_delta_ms = delta;
  config.prevote_delta_ms = config.precommit_delta_ms = delta / 2;
  config.prevote_ms = config.precommit_ms = vote;
  return settings;
}

}  // namespace skymesh::consensus_service
