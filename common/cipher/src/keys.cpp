// Secret and public keys: validation, derivation, ECDH, and the internal helpers of internal.hpp.
#include "skymesh/cipher/keys.hpp"

#include <cstring>

#include <secp256k1_ecdh.h>

#include "internal.hpp"

namespace skymesh::cipher {

namespace detail {

namespace {

// The curve order n, little-endian (sodium_compare reads numbers little-endian).
constexpr std::array<uint8_t, 32> k_order_le = {0x41, 0x41, 0x36, 0xD0, 0x8C, 0x5E, 0xD2, 0xBF, 0x3B, 0xA0, 0x48,
                                                0xAF, 0xE6, 0xDC, 0xAE, 0xBA, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

// secp256k1_ecdh hands over the shared point's coordinates; keep the compressed point, unhashed.
int copy_compressed_point(unsigned char* output, const unsigned char* x32, const unsigned char* y32, void*) {
  output[0] = static_cast<unsigned char>(0x02 | (y32[31] & 1));
  std::memcpy(output + 1, x32, 32);
  return 1;
}

}  // namespace

SecretKey KeyAccess::secret(const uint8_t* bytes32) {
  SecretKey key;
  std::memcpy(key.bytes_.data(), bytes32, key.bytes_.size());
  return key;
}

PublicKey KeyAccess::public_key(const std::array<uint8_t, 33>& bytes) {
  PublicKey key;
  key.bytes_ = bytes;
  return key;
}

bool secret_in_range(const uint8_t* bytes32) noexcept {
  std::array<uint8_t, 32> le{};
  for (std::size_t i = 0; i < 32; ++i) le[i] = bytes32[31 - i];
  bool ok = !sodium_is_zero(le.data(), le.size()) && sodium_compare(le.data(), k_order_le.data(), 32) < 0;
  sodium_memzero(le.data(), le.size());
  return ok;
}

secp256k1_pubkey parse_public_key(const Secp256k1& ctx, const PublicKey& pub) {
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(ctx.get(), &point, pub.data(), pub.size()) != 1) {
    throw CipherException(Fault{CipherError::invalid_public_key, "validated public key failed to parse"});
  }
  return point;
}

std::array<uint8_t, 33> serialize_compressed(const Secp256k1& ctx, const secp256k1_pubkey& point) {
  std::array<uint8_t, 33> out{};
  std::size_t size = out.size();
  secp256k1_ec_pubkey_serialize(ctx.get(), out.data(), &size, &point, SECP256K1_EC_COMPRESSED);
  return out;
}

std::array<uint8_t, 33> ecdh_point(const Secp256k1& ctx, const PublicKey& pub, const SecretKey& secret) {
  secp256k1_pubkey point = parse_public_key(ctx, pub);
  std::array<uint8_t, 33> shared{};
  // Cannot fail: the scalar is in range and the group has prime order, so the product is never infinity.
  if (secp256k1_ecdh(ctx.get(), shared.data(), &point, secret.data(), copy_compressed_point, nullptr) != 1) {
    throw CipherException(Fault{CipherError::invalid_secret_key, "secp256k1_ecdh refused a validated key"});
  }
  return shared;
}

}  // namespace detail

Outcome<SecretKey> SecretKey::try_from_bytes(ByteView bytes) {
  if (bytes.size() != k_size) {
    return Fault{CipherError::invalid_length, "secret key must be 32 bytes, got " + std::to_string(bytes.size())};
  }
  if (!detail::secret_in_range(bytes.data())) {
    return Fault{CipherError::invalid_secret_key, "secret key must satisfy 0 < k < n"};
  }
  return detail::KeyAccess::secret(bytes.data());
}

SecretKey SecretKey::from_bytes(ByteView bytes) {
  return try_from_bytes(bytes).value();
}

Outcome<SecretKey> SecretKey::try_from_hex(std::string_view hex) {
  auto bytes = cipher::try_from_hex(hex);
  if (!bytes) return bytes.fault();
  auto key = try_from_bytes(bytes.value());
  sodium_memzero(bytes.value().data(), bytes.value().size());
  return key;
}

SecretKey SecretKey::from_hex(std::string_view hex) {
  return try_from_hex(hex).value();
}

SecretKey SecretKey::generate() {
  std::array<uint8_t, 32> candidate{};
  detail::WipeOnExit wipe(candidate);
  do {
    randombytes_buf(candidate.data(), candidate.size());
  } while (!detail::secret_in_range(candidate.data()));
  return detail::KeyAccess::secret(candidate.data());
}

SecretKey::~SecretKey() {
  sodium_memzero(bytes_.data(), bytes_.size());
}

bool operator==(const SecretKey& a, const SecretKey& b) {
  return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), SecretKey::k_size) == 0;
}

Outcome<PublicKey> PublicKey::try_from_bytes(const Secp256k1& ctx, ByteView bytes) {
  if (bytes.size() != k_size) {
    std::string message = "public key must be 33 bytes (compressed), got " + std::to_string(bytes.size());
    if (bytes.size() == 65) message += "; uncompressed public keys are not accepted";
    return Fault{CipherError::invalid_length, std::move(message)};
  }
  if (bytes[0] != 0x02 && bytes[0] != 0x03) {
    return Fault{CipherError::invalid_public_key, "compressed public key must start with 0x02 or 0x03"};
  }
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(ctx.get(), &point, bytes.data(), bytes.size()) != 1) {
    return Fault{CipherError::invalid_public_key, "not a point on secp256k1"};
  }
  return detail::KeyAccess::public_key(detail::serialize_compressed(ctx, point));
}

PublicKey PublicKey::from_bytes(const Secp256k1& ctx, ByteView bytes) {
  return try_from_bytes(ctx, bytes).value();
}

Outcome<PublicKey> PublicKey::try_from_hex(const Secp256k1& ctx, std::string_view hex) {
  auto bytes = cipher::try_from_hex(hex);
  if (!bytes) return bytes.fault();
  return try_from_bytes(ctx, bytes.value());
}

PublicKey PublicKey::from_hex(const Secp256k1& ctx, std::string_view hex) {
  return try_from_hex(ctx, hex).value();
}

PublicKey public_key_from_secret(const Secp256k1& ctx, const SecretKey& secret) {
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_create(ctx.get(), &point, secret.data()) != 1) {
    throw CipherException(Fault{CipherError::invalid_secret_key, "secp256k1 refused a validated secret key"});
  }
  return detail::KeyAccess::public_key(detail::serialize_compressed(ctx, point));
}

KeyPair generate_key_pair(const Secp256k1& ctx) {
  SecretKey secret = SecretKey::generate();
  return KeyPair{public_key_from_secret(ctx, secret), secret};
}

Sha256 ecdh(const Secp256k1& ctx, const PublicKey& pub, const SecretKey& secret) {
  std::array<uint8_t, 33> shared = detail::ecdh_point(ctx, pub, secret);
  detail::WipeOnExit wipe(shared);
  return sha256(ByteView(shared));
}

}  // namespace skymesh::cipher
