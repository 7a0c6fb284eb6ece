// Encryption of a wallet's secrets, compatible with Skycoin's wallet crypto types:
//   scrypt-chacha20poly1305           key = scrypt(password, salt(32 random bytes), N=2^20, r=8, p=1, 32 bytes);
//                                     ChaCha20-Poly1305 (IETF, 12-byte nonce) seals the secrets with
//                                     header = len(2 bytes, little endian) || {"n","r","p","keyLen","salt","nonce"}
//                                     as associated data; text = base64(header || ciphertext || tag)
//   scrypt-chacha20poly1305-insecure  the same with N=2^15 (Skycoin's fast variant for tests)
//   sha256-xor                        Skycoin's legacy scheme: read only, never written
// Decryption takes the scrypt parameters from the header, so either scrypt name opens either blob.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/wallet/error.hpp"

namespace skymesh::wallet {

// Numbers are stable.
enum class CryptoType : uint8_t {
  sha256_xor = 1,
  scrypt_chacha20poly1305 = 2,
  scrypt_chacha20poly1305_insecure = 3,
};

// Skycoin's names: "sha256-xor", "scrypt-chacha20poly1305", "scrypt-chacha20poly1305-insecure".
std::string_view crypto_type_name(CryptoType type);
// Errors: unsupported_crypto_type.
Result<CryptoType> parse_crypto_type(std::string_view name);

struct ScryptParams {
  uint64_t n = 0;  // power of two
  uint32_t r = 0;
  uint32_t p = 0;
  uint32_t key_len = 32;
};

// Parameters used when encrypting with type (scrypt types only).
ScryptParams scrypt_params(CryptoType type);

// Largest scrypt memory (128 * r * N bytes) decryption accepts from a file header: 1 GiB, what Skycoin's
// default needs. A header asking for more is refused as malformed instead of exhausting the machine.
constexpr uint64_t k_max_scrypt_memory = uint64_t{1} << 30;

// Encrypts plaintext; returns the base64 text stored in meta.secrets. Salt and nonce come from libsodium's
// randombytes. Errors: missing_password (empty), unsupported_crypto_type (sha256-xor is never written),
// invalid_argument (scrypt out of memory).
Result<std::string> encrypt_secrets(std::string_view plaintext, std::string_view password, CryptoType type);

// Decrypts meta.secrets. Errors: missing_password, malformed_field "meta.secrets" (base64, header, lengths,
// scrypt parameters out of range), wrong_password (authentication failed: wrong password or altered data).
// The context is used by sha256-xor only (its key derivation is Skycoin's secp256k1 hash).
Result<cipher::SecretBytes> decrypt_secrets(const cipher::Secp256k1& ctx, std::string_view text,
                                            std::string_view password, CryptoType type);

}  // namespace skymesh::wallet
