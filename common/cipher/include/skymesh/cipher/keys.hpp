// secp256k1 keys as Skycoin holds them: a 32-byte secret scalar 0 < k < n (wiped when it dies) and a 33-byte
// compressed public key (uncompressed encodings are refused). Both exist only in valid form.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/hash.hpp"
#include "skymesh/cipher/secp256k1.hpp"

namespace skymesh::cipher {

namespace detail {
struct KeyAccess;
}

class SecretKey {
 public:
  static constexpr std::size_t k_size = 32;

  // Refuses anything but 32 bytes holding 0 < k < n.
  static Outcome<SecretKey> try_from_bytes(ByteView bytes);
  static SecretKey from_bytes(ByteView bytes);
  static Outcome<SecretKey> try_from_hex(std::string_view hex);
  static SecretKey from_hex(std::string_view hex);
  // Uniformly random valid key from libsodium's CSPRNG.
  static SecretKey generate();

  SecretKey(const SecretKey& other) = default;
  SecretKey& operator=(const SecretKey& other) = default;
  ~SecretKey();

  const uint8_t* data() const noexcept { return bytes_.data(); }
  ByteView view() const noexcept { return ByteView(bytes_); }
  static constexpr std::size_t size() noexcept { return k_size; }
  // Reveals the secret; for wallets and test vectors only.
  std::string hex() const { return to_hex(view()); }

  // Constant time (sodium_memcmp).
  friend bool operator==(const SecretKey& a, const SecretKey& b);

 private:
  friend struct detail::KeyAccess;
  SecretKey() = default;
  std::array<uint8_t, k_size> bytes_{};
};

class PublicKey {
 public:
  static constexpr std::size_t k_size = 33;

  // Refuses anything but a 33-byte compressed encoding (0x02/0x03 prefix) of a point on the curve.
  static Outcome<PublicKey> try_from_bytes(const Secp256k1& ctx, ByteView bytes);
  static PublicKey from_bytes(const Secp256k1& ctx, ByteView bytes);
  static Outcome<PublicKey> try_from_hex(const Secp256k1& ctx, std::string_view hex);
  static PublicKey from_hex(const Secp256k1& ctx, std::string_view hex);

  const std::array<uint8_t, k_size>& bytes() const noexcept { return bytes_; }
  const uint8_t* data() const noexcept { return bytes_.data(); }
  ByteView view() const noexcept { return ByteView(bytes_); }
  static constexpr std::size_t size() noexcept { return k_size; }
  std::string hex() const { return to_hex(view()); }

  friend bool operator==(const PublicKey&, const PublicKey&) = default;
  friend auto operator<=>(const PublicKey&, const PublicKey&) = default;

 private:
  friend struct detail::KeyAccess;
  PublicKey() = default;
  std::array<uint8_t, k_size> bytes_{};
};

struct KeyPair {
  PublicKey public_key;
  SecretKey secret_key;
};

// compress(secret * G).
PublicKey public_key_from_secret(const Secp256k1& ctx, const SecretKey& secret);
KeyPair generate_key_pair(const Secp256k1& ctx);

// Skycoin's cipher.ECDH: SHA-256 of the compressed shared point secret * pub. Symmetric:
// ecdh(ctx, pub_b, sec_a) == ecdh(ctx, pub_a, sec_b).
Sha256 ecdh(const Secp256k1& ctx, const PublicKey& pub, const SecretKey& secret);

}  // namespace skymesh::cipher
