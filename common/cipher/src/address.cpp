// Skycoin and Bitcoin addresses: derivation from public keys and their base58 forms.
#include "skymesh/cipher/address.hpp"

#include <algorithm>

#include "skymesh/cipher/base58.hpp"

namespace skymesh::cipher {

namespace {

// The 25 raw bytes behind a base58 address string.
Outcome<Bytes> decode_25(std::string_view text) {
  auto raw = try_base58_decode(text);
  if (!raw) return raw.fault();
  if (raw.value().size() != Address::k_base58_size) {
    return Fault{CipherError::invalid_length,
                 "address must decode to 25 bytes, got " + std::to_string(raw.value().size())};
  }
  return raw;
}

Checksum first_four(const Sha256& digest) {
  Checksum out{};
  std::copy_n(digest.data(), out.size(), out.begin());
  return out;
}

}  // namespace

Ripemd160 public_key_ripemd160(const PublicKey& pub) {
  Sha256 once = sha256(pub.view());
  Sha256 twice = sha256(once.view());
  return ripemd160(twice.view());
}

Address Address::from_public_key(const PublicKey& pub) {
  return Address(k_version, public_key_ripemd160(pub));
}

Address Address::from_secret_key(const Secp256k1& ctx, const SecretKey& secret) {
  return from_public_key(public_key_from_secret(ctx, secret));
}

Outcome<Address> Address::try_from_base58(std::string_view text) {
  auto raw = decode_25(text);
  if (!raw) return raw.fault();
  const Bytes& b = raw.value();
  Address address(b[20], Ripemd160::from_bytes(ByteView(b).first(20)));
  Checksum expected = address.checksum();
  if (!std::equal(expected.begin(), expected.end(), b.begin() + 21)) {
    return Fault{CipherError::invalid_checksum, "address checksum does not match"};
  }
  if (address.version_ != k_version) {
    return Fault{CipherError::invalid_version, "address version " + std::to_string(address.version_) + " is not 0"};
  }
  return address;
}

Address Address::from_base58(std::string_view text) {
  return try_from_base58(text).value();
}

Outcome<Address> Address::try_from_binary(ByteView bytes) {
  if (bytes.size() != k_binary_size) {
    return Fault{CipherError::invalid_length, "binary address must be 21 bytes, got " + std::to_string(bytes.size())};
  }
  return Address(bytes[0], Ripemd160::from_bytes(bytes.subspan(1)));
}

std::string Address::to_base58() const {
  std::array<uint8_t, k_base58_size> raw{};
  std::copy(key_.bytes().begin(), key_.bytes().end(), raw.begin());
  raw[20] = version_;
  Checksum sum = checksum();
  std::copy(sum.begin(), sum.end(), raw.begin() + 21);
  return base58_encode(raw);
}

std::array<uint8_t, Address::k_binary_size> Address::to_binary() const {
  std::array<uint8_t, k_binary_size> out{};
  out[0] = version_;
  std::copy(key_.bytes().begin(), key_.bytes().end(), out.begin() + 1);
  return out;
}

Checksum Address::checksum() const {
  const uint8_t version[1] = {version_};
  return first_four(sha256(key_.view(), version));
}

Outcome<void> Address::verify(const PublicKey& pub) const {
  if (version_ != k_version) {
    return Fault{CipherError::invalid_version, "address version " + std::to_string(version_) + " is not 0"};
  }
  if (key_ != public_key_ripemd160(pub)) {
    return Fault{CipherError::address_mismatch, "address does not name this public key"};
  }
  return {};
}

BitcoinAddress BitcoinAddress::from_public_key(const PublicKey& pub) {
  return BitcoinAddress(k_version, hash160(pub.view()));
}

Outcome<BitcoinAddress> BitcoinAddress::try_from_base58(std::string_view text) {
  auto raw = decode_25(text);
  if (!raw) return raw.fault();
  const Bytes& b = raw.value();
  BitcoinAddress address(b[0], Ripemd160::from_bytes(ByteView(b).subspan(1, 20)));
  Checksum expected = address.checksum();
  if (!std::equal(expected.begin(), expected.end(), b.begin() + 21)) {
    return Fault{CipherError::invalid_checksum, "bitcoin address checksum does not match"};
  }
  if (address.version_ != k_version) {
    return Fault{CipherError::invalid_version,
                 "bitcoin address version " + std::to_string(address.version_) + " is not 0"};
  }
  return address;
}

BitcoinAddress BitcoinAddress::from_base58(std::string_view text) {
  return try_from_base58(text).value();
}

std::string BitcoinAddress::to_base58() const {
  std::array<uint8_t, k_base58_size> raw{};
  raw[0] = version_;
  std::copy(key_.bytes().begin(), key_.bytes().end(), raw.begin() + 1);
  Checksum sum = checksum();
  std::copy(sum.begin(), sum.end(), raw.begin() + 21);
  return base58_encode(raw);
}

Checksum BitcoinAddress::checksum() const {
  std::array<uint8_t, 21> body{};
  body[0] = version_;
  std::copy(key_.bytes().begin(), key_.bytes().end(), body.begin() + 1);
  return first_four(double_sha256(body));
}

}  // namespace skymesh::cipher
