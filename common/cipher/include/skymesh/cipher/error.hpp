// Errors of the cipher library as values. Anything that reads outside input (hex, base58, key bytes,
// signatures, extended keys) returns Outcome<T>: a value, or a CipherError with a message. A throwing twin
// exists only where callers usually hold trusted data (constants, fixtures); it throws CipherException.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

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

template <typename T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : state_(std::move(value)) {}
  Outcome(Fault fault) : state_(std::move(fault)) {}
  Outcome(CipherError code, std::string message) : state_(Fault{code, std::move(message)}) {}

  bool ok() const noexcept { return std::holds_alternative<T>(state_); }
  explicit operator bool() const noexcept { return ok(); }
  // Throws CipherException when !ok(): reading a failed outcome is a bug, never undefined behaviour.
  T& value() & {
    check();
    return std::get<T>(state_);
  }
  const T& value() const& {
    check();
    return std::get<T>(state_);
  }
  T&& value() && {
    check();
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // Precondition: !ok().
  const Fault& fault() const { return std::get<Fault>(state_); }
  CipherError error() const { return fault().code; }
  const std::string& message() const { return fault().message; }

 private:
  void check() const {
    if (!ok()) throw CipherException(std::get<Fault>(state_));
  }
  std::variant<T, Fault> state_;
};

// Success carries nothing; used by checks such as verify().
template <>
class [[nodiscard]] Outcome<void> {
 public:
  Outcome() = default;
  Outcome(Fault fault) : fault_(std::move(fault)) {}
  Outcome(CipherError code, std::string message) : fault_(Fault{code, std::move(message)}) {}

  bool ok() const noexcept { return !fault_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  // Throws CipherException when !ok().
  void value() const {
    if (fault_) throw CipherException(*fault_);
  }
  // Precondition: !ok().
  const Fault& fault() const { return *fault_; }
  CipherError error() const { return fault_->code; }
  const std::string& message() const { return fault_->message; }

 private:
  std::optional<Fault> fault_;
};

}  // namespace skymesh::cipher
