// Skycoin addresses (and the Bitcoin addresses Skycoin derives from the same keys).
// Skycoin: key20 = RIPEMD160(SHA256(SHA256(pubkey))); base58 of key20 || version || SHA256(key20||version)[0:4];
// inside binary structures (transactions, blocks) the 21 bytes are version || key20.
// Bitcoin: key20 = RIPEMD160(SHA256(pubkey)); base58 of version || key20 || SHA256(SHA256(version||key20))[0:4].
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/hash.hpp"
#include "skymesh/cipher/keys.hpp"

namespace skymesh::cipher {

using Checksum = std::array<uint8_t, 4>;

// RIPEMD160(SHA256(SHA256(pubkey))): the 20 bytes a Skycoin address names.
Ripemd160 public_key_ripemd160(const PublicKey& pub);

class Address {
 public:
  static constexpr uint8_t k_version = 0x00;
  static constexpr std::size_t k_binary_size = 21;  // version || key20
  static constexpr std::size_t k_base58_size = 25;  // key20 || version || checksum

  Address() = default;  // the null address (version 0, zero key)
  Address(uint8_t version, const Ripemd160& key) : version_(version), key_(key) {}

  static Address from_public_key(const PublicKey& pub);
  static Address from_secret_key(const Secp256k1& ctx, const SecretKey& secret);
  // Checks length 25, checksum, then version 0 (in Skycoin's order).
  static Outcome<Address> try_from_base58(std::string_view text);
  static Address from_base58(std::string_view text);
  // The 21-byte form inside binary structures. Any version byte is taken as is; verify() checks it.
  static Outcome<Address> try_from_binary(ByteView bytes);

  std::string to_base58() const;
  std::array<uint8_t, k_binary_size> to_binary() const;
  // First 4 bytes of SHA256(key20 || version).
  Checksum checksum() const;
  // The address is version 0 and names this public key.
  Outcome<void> verify(const PublicKey& pub) const;

  uint8_t version() const noexcept { return version_; }
  const Ripemd160& key() const noexcept { return key_; }
  bool is_null() const noexcept { return version_ == 0 && key_.is_null(); }

  friend bool operator==(const Address&, const Address&) = default;
  friend auto operator<=>(const Address&, const Address&) = default;

 private:
  uint8_t version_ = 0;
  Ripemd160 key_;
};

class BitcoinAddress {
 public:
  static constexpr uint8_t k_version = 0x00;  // mainnet P2PKH only, as Skycoin
  static constexpr std::size_t k_base58_size = 25;

  BitcoinAddress() = default;
  BitcoinAddress(uint8_t version, const Ripemd160& key) : version_(version), key_(key) {}

  static BitcoinAddress from_public_key(const PublicKey& pub);
  static Outcome<BitcoinAddress> try_from_base58(std::string_view text);
  static BitcoinAddress from_base58(std::string_view text);

  std::string to_base58() const;
  // First 4 bytes of SHA256(SHA256(version || key20)).
  Checksum checksum() const;

  uint8_t version() const noexcept { return version_; }
  const Ripemd160& key() const noexcept { return key_; }

  friend bool operator==(const BitcoinAddress&, const BitcoinAddress&) = default;

 private:
  uint8_t version_ = 0;
  Ripemd160 key_;
};

}  // namespace skymesh::cipher
