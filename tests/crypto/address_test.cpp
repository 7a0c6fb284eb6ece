// Skycoin and Bitcoin address forms and the ways a decoded address must be refused.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/base58.hpp"

using namespace skymesh::cipher;

namespace {

// An address string for a fresh random key.
Address random_address(const Secp256k1& ctx) {
  return Address::from_public_key(generate_key_pair(ctx).public_key);
}

// Raw key20 || version || checksum with a chosen version and a correct checksum for it.
std::string encode_with_version(const Address& base, uint8_t version) {
  Address other(version, base.key());
  Bytes raw(base.key().bytes().begin(), base.key().bytes().end());
  raw.push_back(version);
  Checksum sum = other.checksum();
  raw.insert(raw.end(), sum.begin(), sum.end());
  return base58_encode(raw);
}

}  // namespace

TEST_CASE("an address round-trips through base58 and the 21-byte binary form") {
  Secp256k1 ctx;
  for (int i = 0; i < 20; ++i) {
    KeyPair keys = generate_key_pair(ctx);
    Address address = Address::from_public_key(keys.public_key);
    CHECK(Address::from_base58(address.to_base58()) == address);
    auto binary = address.to_binary();
    CHECK(binary[0] == 0x00);
    CHECK(std::equal(binary.begin() + 1, binary.end(), address.key().bytes().begin()));
    CHECK(Address::try_from_binary(binary).value() == address);
    CHECK(address.verify(keys.public_key).ok());
    CHECK(Address::from_secret_key(ctx, keys.secret_key) == address);
  }
}

TEST_CASE("an address with a broken checksum is refused") {
  Secp256k1 ctx;
  Address address = random_address(ctx);
  Bytes raw = base58_decode(address.to_base58());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (i == 20) continue;  // the version byte: changing it is caught by the checksum too, tested below
    Bytes bad = raw;
    bad[i] ^= 0x01;
    auto decoded = Address::try_from_base58(base58_encode(bad));
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error() == CipherError::invalid_checksum);
  }
}

TEST_CASE("an address with a version other than 0 is refused") {
  Secp256k1 ctx;
  Address address = random_address(ctx);
  auto decoded = Address::try_from_base58(encode_with_version(address, 0x01));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error() == CipherError::invalid_version);
  // A version change without a matching checksum fails the checksum first, as in Skycoin.
  Bytes raw = base58_decode(address.to_base58());
  raw[20] = 0x01;
  CHECK(Address::try_from_base58(base58_encode(raw)).error() == CipherError::invalid_checksum);
  // From binary any version is taken; verify() refuses it.
  Address odd(0x07, address.key());
  CHECK(Address::try_from_binary(odd.to_binary()).value() == odd);
  CHECK(odd.verify(generate_key_pair(ctx).public_key).error() == CipherError::invalid_version);
}

TEST_CASE("addresses of the wrong length or alphabet are refused") {
  Secp256k1 ctx;
  Address address = random_address(ctx);
  Bytes raw = base58_decode(address.to_base58());
  Bytes shorter(raw.begin(), raw.end() - 1);
  CHECK(Address::try_from_base58(base58_encode(shorter)).error() == CipherError::invalid_length);
  Bytes longer = raw;
  longer.push_back(0);
  CHECK(Address::try_from_base58(base58_encode(longer)).error() == CipherError::invalid_length);
  CHECK(Address::try_from_base58("").error() == CipherError::invalid_base58);
  CHECK(Address::try_from_base58("0OIl").error() == CipherError::invalid_base58);
  CHECK(Address::try_from_binary(Bytes(20, 0)).error() == CipherError::invalid_length);
  CHECK_THROWS_AS(Address::from_base58("not an address"), CipherException);
}

TEST_CASE("an address does not verify another public key") {
  Secp256k1 ctx;
  Address address = random_address(ctx);
  CHECK(address.verify(generate_key_pair(ctx).public_key).error() == CipherError::address_mismatch);
}

TEST_CASE("a Bitcoin address round-trips and refuses bad checksums and versions") {
  Secp256k1 ctx;
  KeyPair keys = generate_key_pair(ctx);
  BitcoinAddress address = BitcoinAddress::from_public_key(keys.public_key);
  std::string text = address.to_base58();
  CHECK(text.front() == '1');
  CHECK(BitcoinAddress::from_base58(text) == address);
  CHECK(address.key() == hash160(keys.public_key.view()));

  Bytes raw = base58_decode(text);
  Bytes bad_sum = raw;
  bad_sum[24] ^= 0x80;
  CHECK(BitcoinAddress::try_from_base58(base58_encode(bad_sum)).error() == CipherError::invalid_checksum);

  BitcoinAddress testnet(0x6f, address.key());
  CHECK(BitcoinAddress::try_from_base58(testnet.to_base58()).error() == CipherError::invalid_version);
  Bytes shorter(raw.begin(), raw.end() - 1);
  CHECK(BitcoinAddress::try_from_base58(base58_encode(shorter)).error() == CipherError::invalid_length);
}
