// Secret and public key validation, derivation and ECDH.
#include <catch2/catch.hpp>

#include <string>

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/keys.hpp"

using namespace skymesh::cipher;

namespace {

const std::string k_order_hex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
const std::string k_generator_hex = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
const std::string k_generator_uncompressed_hex =
    "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";

std::string one_hex() {
  return std::string(62, '0') + "01";
}

}  // namespace

TEST_CASE("secret keys must be 32 bytes with 0 < k < n") {
  CHECK(SecretKey::try_from_hex(one_hex()).ok());
  CHECK(SecretKey::try_from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140").ok());

  auto zero = SecretKey::try_from_hex(std::string(64, '0'));
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error() == CipherError::invalid_secret_key);
  auto order = SecretKey::try_from_hex(k_order_hex);
  REQUIRE_FALSE(order.ok());
  CHECK(order.error() == CipherError::invalid_secret_key);
  auto above = SecretKey::try_from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142");
  REQUIRE_FALSE(above.ok());
  CHECK(above.error() == CipherError::invalid_secret_key);
  auto all_ones = SecretKey::try_from_hex(std::string(64, 'f'));
  REQUIRE_FALSE(all_ones.ok());
  CHECK(all_ones.error() == CipherError::invalid_secret_key);

  auto short_key = SecretKey::try_from_hex(std::string(62, '1'));
  REQUIRE_FALSE(short_key.ok());
  CHECK(short_key.error() == CipherError::invalid_length);
  auto long_key = SecretKey::try_from_hex(std::string(66, '1'));
  REQUIRE_FALSE(long_key.ok());
  CHECK(long_key.error() == CipherError::invalid_length);
  auto bad_hex = SecretKey::try_from_hex(std::string(63, '1') + "x");
  REQUIRE_FALSE(bad_hex.ok());
  CHECK(bad_hex.error() == CipherError::invalid_hex);
  CHECK_THROWS_AS(SecretKey::from_hex(std::string(64, '0')), CipherException);
}

TEST_CASE("secret keys compare by value") {
  CHECK(SecretKey::from_hex(one_hex()) == SecretKey::from_hex(one_hex()));
  CHECK_FALSE(SecretKey::from_hex(one_hex()) == SecretKey::from_hex(std::string(62, '0') + "02"));
  SecretKey random = SecretKey::generate();
  SecretKey copy = random;
  CHECK(copy == random);
}

TEST_CASE("the public key of secret 1 is the compressed generator") {
  Secp256k1 ctx;
  PublicKey pub = public_key_from_secret(ctx, SecretKey::from_hex(one_hex()));
  CHECK(pub.hex() == k_generator_hex);
  // A widely published fact: the compressed key of secret 1 has this Bitcoin address.
  CHECK(BitcoinAddress::from_public_key(pub).to_base58() == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH");
}

TEST_CASE("public keys must be compressed points on the curve") {
  Secp256k1 ctx;
  CHECK(PublicKey::try_from_hex(ctx, k_generator_hex).ok());

  auto uncompressed = PublicKey::try_from_hex(ctx, k_generator_uncompressed_hex);
  REQUIRE_FALSE(uncompressed.ok());
  CHECK(uncompressed.error() == CipherError::invalid_length);

  auto bad_prefix = PublicKey::try_from_hex(ctx, "04" + k_generator_hex.substr(2));
  REQUIRE_FALSE(bad_prefix.ok());
  CHECK(bad_prefix.error() == CipherError::invalid_public_key);

  // x = 5 has no y on secp256k1 (5^3 + 7 = 132 is not a square mod p).
  auto off_curve = PublicKey::try_from_hex(ctx, "02" + std::string(62, '0') + "05");
  REQUIRE_FALSE(off_curve.ok());
  CHECK(off_curve.error() == CipherError::invalid_public_key);

  auto x_too_big = PublicKey::try_from_hex(ctx, "02" + std::string(64, 'f'));
  REQUIRE_FALSE(x_too_big.ok());
  CHECK(x_too_big.error() == CipherError::invalid_public_key);

  auto empty = PublicKey::try_from_bytes(ctx, {});
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error() == CipherError::invalid_length);

  auto bad_hex = PublicKey::try_from_hex(ctx, "zz");
  REQUIRE_FALSE(bad_hex.ok());
  CHECK(bad_hex.error() == CipherError::invalid_hex);
}

TEST_CASE("ECDH gives both sides the same secret") {
  Secp256k1 ctx;
  for (int i = 0; i < 20; ++i) {
    KeyPair a = generate_key_pair(ctx);
    KeyPair b = generate_key_pair(ctx);
    CHECK(ecdh(ctx, b.public_key, a.secret_key) == ecdh(ctx, a.public_key, b.secret_key));
    CHECK_FALSE(ecdh(ctx, b.public_key, a.secret_key) == ecdh(ctx, a.public_key, a.secret_key));
  }
}

TEST_CASE("ECDH is SHA-256 of the compressed shared point") {
  Secp256k1 ctx;
  // secret 1 leaves the point as it is, so the shared secret is SHA-256 of the public key itself.
  KeyPair other = generate_key_pair(ctx);
  CHECK(ecdh(ctx, other.public_key, SecretKey::from_hex(one_hex())) == sha256(other.public_key.view()));
}
