// Helpers shared by the cipher sources and nothing else: building keys from bytes already known valid, the
// libsecp256k1 conversions, the raw ECDH point, and wiping secrets on every way out of a scope.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <secp256k1.h>
#include <sodium.h>

#include "skymesh/cipher/hash.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"

namespace skymesh::cipher::detail {

struct KeyAccess {
  // Preconditions: 0 < k < n; a compressed encoding of a curve point.
  static SecretKey secret(const uint8_t* bytes32);
  static PublicKey public_key(const std::array<uint8_t, 33>& bytes);
};

// 0 < k < n for 32 big-endian bytes, in constant time.
bool secret_in_range(const uint8_t* bytes32) noexcept;

// Precondition: pub was validated when the PublicKey was made, so parsing cannot fail.
secp256k1_pubkey parse_public_key(const Secp256k1& ctx, const PublicKey& pub);
std::array<uint8_t, 33> serialize_compressed(const Secp256k1& ctx, const secp256k1_pubkey& point);

// compress(secret * pub), the shared point itself (not hashed): Skycoin's secp256k1.ECDH.
std::array<uint8_t, 33> ecdh_point(const Secp256k1& ctx, const PublicKey& pub, const SecretKey& secret);

// Wipes an object's bytes when the scope ends, however it ends.
template <typename T>
class WipeOnExit {
 public:
  explicit WipeOnExit(T& target) : target_(target) {}
  ~WipeOnExit() { sodium_memzero(&target_, sizeof(T)); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  T& target_;
};

}  // namespace skymesh::cipher::detail
