// CurveZMQ for traffic across hosts. A serving node with a key pair encrypts and authenticates every tcp
// connection, and its ZAP handler admits only client public keys on its allow list: an unlisted client gets no
// service at all. Keys are Z85 text (40 characters), as ZeroMQ prints them.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "skymesh/bus/status.hpp"

namespace skymesh::bus {

struct CurveKeyPair {
  std::string public_key;  // Z85
  std::string secret_key;  // Z85; empty in a file that only names a server's public key
};

struct Security {
  std::optional<CurveKeyPair> keys;          // this node's keys: serve over CurveZMQ, and call as a Curve client
  std::vector<std::string> allowed_clients;  // Z85 client public keys the ZAP handler admits
  bool insecure = false;                     // allow listening on a non-loopback address without keys
};

CurveKeyPair generate_curve_keypair();
// Key file: lines `public = Z85` and `secret = Z85`; a line starting with `#` is a comment. Mode 0600.
Result<CurveKeyPair> load_key_file(const std::filesystem::path& path);
Status write_key_file(const std::filesystem::path& path, const CurveKeyPair& keys);
// Allow file: one Z85 public key per line (or `public = Z85` lines, so key files can be concatenated).
Result<std::vector<std::string>> load_allow_file(const std::filesystem::path& path);
// True for a syntactically valid 40-character Z85 key.
bool valid_z85_key(const std::string& key);

}  // namespace skymesh::bus
