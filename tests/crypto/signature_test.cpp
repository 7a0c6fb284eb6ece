// Signing and Skycoin's verification rules, with the ways a signature must be refused.
#include <catch2/catch.hpp>

#include <array>

#include "skymesh/cipher/signature.hpp"

using namespace skymesh::cipher;

namespace {

// n - s for the 32 big-endian bytes of s at sig[32..64): the malleated (high) twin of a low s.
Signature with_negated_s(const Signature& sig) {
  static constexpr std::array<uint8_t, 32> k_order = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                      0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
                                                      0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};
  Signature out = sig;
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int diff = k_order[i] - sig.data()[32 + i] - borrow;
    borrow = diff < 0 ? 1 : 0;
    out.data()[32 + i] = static_cast<uint8_t>(diff + 256 * borrow);
  }
  out.data()[64] ^= 1;  // negating s mirrors R: the other recovery id
  return out;
}

}  // namespace

TEST_CASE("a signature verifies against its key, its address and recovers the key") {
  Secp256k1 ctx;
  for (int i = 0; i < 50; ++i) {
    KeyPair keys = generate_key_pair(ctx);
    Sha256 digest = sha256(as_bytes("message " + std::to_string(i)));
    Signature sig = sign(ctx, digest, keys.secret_key);
    CHECK(verify(ctx, keys.public_key, sig, digest).ok());
    CHECK(verify_address(ctx, Address::from_public_key(keys.public_key), sig, digest).ok());
    auto recovered = recover_public_key(ctx, sig, digest);
    REQUIRE(recovered.ok());
    CHECK(recovered.value() == keys.public_key);
  }
}

TEST_CASE("signing is deterministic and always low-S") {
  Secp256k1 ctx;
  SecretKey secret = SecretKey::generate();
  for (int i = 0; i < 200; ++i) {
    Sha256 digest = sha256(as_bytes(std::to_string(i)));
    Signature sig = sign(ctx, digest, secret);
    CHECK(sig == sign(ctx, digest, secret));
    CHECK((sig.data()[32] & 0x80) == 0);
    CHECK(sig.data()[64] < 4);
  }
}

TEST_CASE("every single flipped bit makes a signature fail") {
  Secp256k1 ctx;
  KeyPair keys = generate_key_pair(ctx);
  Sha256 digest = sha256(as_bytes("flip"));
  Signature sig = sign(ctx, digest, keys.secret_key);
  for (std::size_t bit = 0; bit < 65 * 8; ++bit) {
    Signature bad = sig;
    bad.data()[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    INFO("bit " << bit);
    CHECK_FALSE(verify(ctx, keys.public_key, bad, digest).ok());
    CHECK_FALSE(verify_address(ctx, Address::from_public_key(keys.public_key), bad, digest).ok());
  }
}

TEST_CASE("a signature does not verify over another digest or for another key") {
  Secp256k1 ctx;
  KeyPair keys = generate_key_pair(ctx);
  KeyPair other = generate_key_pair(ctx);
  Sha256 digest = sha256(as_bytes("right"));
  Signature sig = sign(ctx, digest, keys.secret_key);

  auto wrong_digest = verify(ctx, keys.public_key, sig, sha256(as_bytes("wrong")));
  REQUIRE_FALSE(wrong_digest.ok());
  CHECK((wrong_digest.error() == CipherError::public_key_mismatch ||
         wrong_digest.error() == CipherError::invalid_signature));

  auto wrong_key = verify(ctx, other.public_key, sig, digest);
  REQUIRE_FALSE(wrong_key.ok());
  CHECK(wrong_key.error() == CipherError::public_key_mismatch);

  auto wrong_address = verify_address(ctx, Address::from_public_key(other.public_key), sig, digest);
  REQUIRE_FALSE(wrong_address.ok());
  CHECK(wrong_address.error() == CipherError::address_mismatch);
}

TEST_CASE("the high-S twin of a valid signature is refused") {
  Secp256k1 ctx;
  KeyPair keys = generate_key_pair(ctx);
  Sha256 digest = sha256(as_bytes("malleate"));
  Signature high = with_negated_s(sign(ctx, digest, keys.secret_key));
  REQUIRE((high.data()[32] & 0x80) != 0);
  // Mathematically valid (the key is recoverable from it), but Skycoin refuses the malleable form.
  auto recovered = recover_public_key(ctx, high, digest);
  REQUIRE(recovered.ok());
  CHECK(recovered.value() == keys.public_key);
  auto result = verify(ctx, keys.public_key, high, digest);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error() == CipherError::high_s);
  CHECK(check_signature_form(high).error() == CipherError::high_s);
}

TEST_CASE("a recovery id of 4 or more is refused") {
  Secp256k1 ctx;
  KeyPair keys = generate_key_pair(ctx);
  Sha256 digest = sha256(as_bytes("recid"));
  Signature sig = sign(ctx, digest, keys.secret_key);
  for (int recid : {4, 5, 128, 255}) {
    Signature bad = sig;
    bad.data()[64] = static_cast<uint8_t>(recid);
    auto result = verify(ctx, keys.public_key, bad, digest);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() == CipherError::invalid_recovery_id);
    auto recovered = recover_public_key(ctx, bad, digest);
    REQUIRE_FALSE(recovered.ok());
    CHECK(recovered.error() == CipherError::invalid_recovery_id);
  }
}

TEST_CASE("r or s out of range is an invalid signature") {
  Secp256k1 ctx;
  Sha256 digest = sha256(as_bytes("range"));
  Signature zero_sig;  // r = s = 0
  auto zero = recover_public_key(ctx, zero_sig, digest);
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error() == CipherError::invalid_signature);

  Signature big_r;
  for (int i = 0; i < 32; ++i) big_r.data()[i] = 0xff;
  big_r.data()[63] = 1;
  auto overflow = recover_public_key(ctx, big_r, digest);
  REQUIRE_FALSE(overflow.ok());
  CHECK(overflow.error() == CipherError::invalid_signature);
}

TEST_CASE("signatures parse from 65 bytes of hex only") {
  auto short_sig = Signature::try_from_hex(std::string(128, 'a'));
  REQUIRE_FALSE(short_sig.ok());
  CHECK(short_sig.error() == CipherError::invalid_length);
  auto bad_hex = Signature::try_from_hex(std::string(129, 'a'));
  REQUIRE_FALSE(bad_hex.ok());
  CHECK(bad_hex.error() == CipherError::invalid_hex);
  CHECK(Signature::try_from_hex(std::string(130, 'a')).ok());
}

TEST_CASE("the zero digest is not signed") {
  Secp256k1 ctx;
  SecretKey secret = SecretKey::generate();
  try {
    (void)sign(ctx, Sha256(), secret);
    FAIL("signed the zero digest");
  } catch (const CipherException& e) {
    CHECK(e.code() == CipherError::null_digest);
  }
}
