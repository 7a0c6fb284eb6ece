// The consensus serverlet's settings, read from its flags: the chain it drives (--chain, --chain-key), its
// signing key (--secret FILE, hex), the trust set with each member's endpoint (--trust FILE), the chain id and the
// round timeouts. Errors are bad_request naming the flag (and the trust file's line).
//
// Trust file (TOML), one table per member, this node included (its endpoint is then not dialled):
//   [[node]]
//   public_key = "02…"               # secp256k1, compressed, hex (33 bytes)
//   endpoint = "tcp://10.0.0.2:7010" # its consensus serverlet
//   bus_key = "Z85…"                 # optional: its CurveZMQ public key
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skymesh/bus/serverlet.hpp"
#include "skymesh/consensus/machine.hpp"

namespace skymesh::consensus_service {

struct Member {
  cipher::PublicKey public_key;
  std::string endpoint;
  std::string bus_key;
};

struct Settings {
  std::string chain;                    // --chain ENDPOINT
  std::string chain_key;                // --chain-key Z85 (optional)
  std::optional<cipher::KeyPair> keys;  // --secret FILE (always set by read_settings)
  std::vector<Member> members;
  consensus::Config config;
  std::filesystem::path wal_dir;     // DATA/wal
  std::filesystem::path topics_dir;  // DATA/topics
};

// The serverlet's own flags with their help texts.
std::map<std::string, std::string> settings_flags();

bus::Result<Settings> read_settings(const cipher::Secp256k1& ctx, const bus::ServerletOptions& options);

// Parses a trust file's text; `source` names it in errors.
bus::Result<std::vector<Member>> parse_trust(const cipher::Secp256k1& ctx, std::string_view text,
                                             const std::string& source);

}  // namespace skymesh::consensus_service
