// Errors of the cipher library as values. Anything that reads outside input (hex, base58, key bytes,
// signatures, extended keys) returns Outcome<T>: a value, or a CipherError with a message. A throwing twin
// exists only where callers usually hold trusted data (constants, fixtures); it throws CipherException.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "skymesh/base/expected.hpp"

namespace skymesh::cipher {

// Numbers are stable: they never change meaning and are never reused.
enum class CipherError : uint8_t {
  invalid_length = 1,        // wrong number of bytes or characters
  invalid_hex = 2,           // odd length or a non-hex character
  invalid_base58 = 3,        // empty, or a character outside the Bitcoin alphabet
  invalid_checksum = 4,      // base58check / address checksum does not match
  invalid_version = 5,       // address version byte is not 0x00, or unknown xpub/xprv version
  invalid_secret_key = 6,    // zero or >= the curve order n
  invalid_public_key = 7,    // not a compressed point on the curve (uncompressed keys are refused)
  invalid_signature = 8,     // r or s out of range, or no public key can be recovered
  high_s = 9,                // top bit of s set (Skycoin's malleability rule)
  invalid_recovery_id = 10,  // recovery id byte >= 4
  public_key_mismatch = 11,  // signature was made by another key, or over another digest
  address_mismatch = 12,     // recovered key hashes to another address
  null_digest = 13,          // refusing to sign the all-zero digest (as Skycoin does)
  empty_seed = 14,
  invalid_seed_length = 15,   // BIP32 master seed outside 16..64 bytes
  invalid_path = 16,          // BIP32 path text does not parse
  hardened_from_public = 17,  // hardened child asked of an extended public key
  max_depth = 18,             // BIP32 depth 255 reached
  invalid_child = 19,         // BIP32 child index yields an invalid key (probability < 2^-127): skip it
  invalid_extended_key = 20,  // extended key fields inconsistent (fingerprint/child number at depth 0, ...)
};

// Stable lower-case name, e.g. "invalid_checksum". Used in logs and JSON.
std::string_view cipher_error_name(CipherError code);

struct Fault {
  CipherError code;
  std::string message;
  // "code_name: message"
  std::string to_string() const;
};

class CipherException : public std::runtime_error {
 public:
  explicit CipherException(Fault fault);
  CipherError code() const noexcept { return code_; }

 private:
  CipherError code_;
};

// A value or a Fault (skymesh/base/expected.hpp); Outcome<void> is the result of a check such as verify().
template <typename T>
using Outcome = base::Expected<T, Fault, CipherException>;

}  // namespace skymesh::cipher
