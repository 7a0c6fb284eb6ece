// The trust file both the consensus serverlet and its chain read (TOML): one table per member of the trust set.
//   [[node]]
//   public_key = "02..."               # secp256k1, compressed, hex (33 bytes)
//   endpoint = "tcp://10.0.0.2:7010"   # its consensus serverlet
//   bus_key = "Z85..."                 # optional: its CurveZMQ public key
// Refusals are invalid_trust_set faults naming the file and line.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "skymesh/cipher/keys.hpp"
#include "skymesh/consensus/error.hpp"
#include "skymesh/consensus/trust_set.hpp"

namespace skymesh::consensus {

struct TrustMember {
  cipher::PublicKey public_key;
  std::string endpoint;
  std::string bus_key;  // empty when the file gives none
};

// Parses a trust file's text; `source` names it in errors.
Result<std::vector<TrustMember>> parse_trust_file(const cipher::Secp256k1& ctx, std::string_view text,
                                                  const std::string& source);
Result<std::vector<TrustMember>> read_trust_file(const cipher::Secp256k1& ctx, const std::filesystem::path& path);

// The trust set of the members' public keys.
Result<TrustSet> trust_set_of(const std::vector<TrustMember>& members);

}  // namespace skymesh::consensus
