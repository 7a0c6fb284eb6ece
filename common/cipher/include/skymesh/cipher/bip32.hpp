// BIP32 hierarchical deterministic keys on secp256k1, as Skycoin's cipher/bip32: HMAC-SHA512 with
// "Bitcoin seed" for the master key, hardened children from 0x00||k, normal children from compress(k*G),
// base58check serialisation with the Bitcoin mainnet versions (xprv 0488ADE4, xpub 0488B21E).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/hash.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"

namespace skymesh::cipher {

constexpr uint32_t k_first_hardened_child = 0x80000000u;

// "m/44'/0'/0'/0" -> {44|H, 0|H, 0|H, 0}. Must start with "m"; "'" or "h" marks hardened; an index written
// without the mark must be below 2^31.
Outcome<std::vector<uint32_t>> parse_bip32_path(std::string_view path);

// Fields every extended key carries besides the key itself.
struct Bip32Meta {
  uint8_t depth = 0;
  std::array<uint8_t, 4> parent_fingerprint{};
  uint32_t child_number = 0;
  std::array<uint8_t, 32> chain_code{};
};

class ExtendedPublicKey {
 public:
  ExtendedPublicKey(const Bip32Meta& meta, const PublicKey& key) : meta_(meta), key_(key) {}

  // Checks length, base58check checksum, the xpub version, depth-0 consistency and the point.
  static Outcome<ExtendedPublicKey> try_from_base58(const Secp256k1& ctx, std::string_view text);

  // CKDpub. Refuses hardened indices.
  Outcome<ExtendedPublicKey> child(const Secp256k1& ctx, uint32_t index) const;
  std::string to_base58() const;  // "xpub..."

  const Bip32Meta& meta() const noexcept { return meta_; }
  const PublicKey& public_key() const noexcept { return key_; }
  // hash160 of the public key, and its first 4 bytes.
  Ripemd160 identifier() const;
  std::array<uint8_t, 4> fingerprint() const;

 private:
  Bip32Meta meta_;
  PublicKey key_;
};

// Holds the secret key and its public key (computed once: fingerprints and normal children need it).
// The chain code is wiped on destruction with the secret.
class ExtendedPrivateKey {
 public:
  ExtendedPrivateKey(const Secp256k1& ctx, const Bip32Meta& meta, const SecretKey& key);
  ExtendedPrivateKey(const ExtendedPrivateKey&) = default;
  ExtendedPrivateKey& operator=(const ExtendedPrivateKey&) = default;
  ~ExtendedPrivateKey();

  // Seed of 16..64 bytes.
  static Outcome<ExtendedPrivateKey> master(const Secp256k1& ctx, ByteView seed);
  // master(seed) then derive(parse_bip32_path(path)).
  static Outcome<ExtendedPrivateKey> from_path(const Secp256k1& ctx, ByteView seed, std::string_view path);
  // Checks length, base58check checksum, the xprv version, depth-0 consistency, the 0x00 pad and the scalar.
  static Outcome<ExtendedPrivateKey> try_from_base58(const Secp256k1& ctx, std::string_view text);

  // CKDpriv.
  Outcome<ExtendedPrivateKey> child(const Secp256k1& ctx, uint32_t index) const;
  Outcome<ExtendedPrivateKey> derive(const Secp256k1& ctx, std::span<const uint32_t> path) const;
  // BIP32's N(): the same key without its secret.
  ExtendedPublicKey neuter() const { return ExtendedPublicKey(meta_, public_); }
  std::string to_base58() const;  // "xprv..." (reveals the secret)

  const Bip32Meta& meta() const noexcept { return meta_; }
  const SecretKey& secret_key() const noexcept { return secret_; }
  const PublicKey& public_key() const noexcept { return public_; }
  Ripemd160 identifier() const;
  std::array<uint8_t, 4> fingerprint() const;

 private:
  Bip32Meta meta_;
  SecretKey secret_;
  PublicKey public_;
};

}  // namespace skymesh::cipher
