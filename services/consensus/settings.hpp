// The consensus serverlet's settings, read from its flags: the chain it drives (--chain, --chain-key), its
// signing key (--secret FILE, hex), the trust set with each member's endpoint (--trust FILE), the chain id and the
// round timeouts. Errors are bad_request naming the flag (and the trust file's line).
//
// The trust file (skymesh/consensus/trust_file.hpp) names every member, this node included (its endpoint is then
// not dialled).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skymesh/bus/serverlet.hpp"
#include "skymesh/consensus/machine.hpp"
#include "skymesh/consensus/trust_file.hpp"

namespace skymesh::consensus_service {

using Member = consensus::TrustMember;

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

}  // namespace skymesh::consensus_service
