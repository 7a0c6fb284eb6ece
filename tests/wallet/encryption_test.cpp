// Encryption at rest: lock/unlock round trips, no secret left in the file's bytes, a wrong password refused
// with its own code, tampered or malformed secrets refused. Uses the fast scrypt variant (N = 2^15) except
// where the default's parameters are checked.
#include <catch2/catch.hpp>

#include <string>

#include "skymesh/cipher/cipher.hpp"
#include "skymesh/wallet/encryption.hpp"
#include "skymesh/wallet/wallet.hpp"
#include "wallet_test_support.hpp"

using namespace skymesh::wallet;
using namespace skymesh::cipher;
namespace b64 = skymesh::wallet::test;  // base64 helpers, to take blobs apart

namespace {

constexpr CryptoType k_fast = CryptoType::scrypt_chacha20poly1305_insecure;

Wallet new_wallet(const Secp256k1& ctx, std::string_view seed, std::size_t n) {
  NewWalletOptions o;
  o.filename = "enc.wlt";
  auto w = Wallet::create_deterministic(ctx, seed, o, n);
  REQUIRE(w.ok());
  return std::move(w).value();
}

}  // namespace

TEST_CASE("a locked wallet's file holds no secret and unlocks to the same secrets") {
  Secp256k1 ctx;
  const std::string seed = "encryption round trip seed phrase";
  Wallet w = new_wallet(ctx, seed, 3);
  const std::string last_seed = w.last_seed().value();
  std::vector<std::string> secret_hex;
  for (const auto& e : w.entries()) secret_hex.push_back(e.secret_key->hex());

  REQUIRE(w.lock("correct horse", k_fast).ok());
  CHECK(w.is_encrypted());
  CHECK(w.crypto_type() == k_fast);
  const std::string file = w.serialize();
  INFO(file);
  CHECK(file.find(seed) == std::string::npos);
  CHECK(file.find(last_seed) == std::string::npos);
  for (const auto& hex : secret_hex) CHECK(file.find(hex) == std::string::npos);
  CHECK(file.find("\"secrets\": \"") != std::string::npos);
  CHECK(file.find("\"encrypted\": \"true\"") != std::string::npos);

  // Encrypted operations that need secrets are refused with wallet_locked.
  CHECK(w.seed().error() == WalletError::wallet_locked);
  CHECK(w.generate_addresses(ctx, 1).error() == WalletError::wallet_locked);
  CHECK(w.secret_key(w.entries()[0].address).error() == WalletError::wallet_locked);
  CHECK(w.verify_seed(ctx).error() == WalletError::wallet_locked);
  CHECK(w.lock("again", k_fast).error() == WalletError::already_encrypted);

  auto loaded = Wallet::parse(ctx, file);
  REQUIRE(loaded.ok());
  CHECK(loaded->is_encrypted());
  auto open = loaded->unlock(ctx, "correct horse");
  REQUIRE(open.ok());
  CHECK_FALSE(open->is_encrypted());
  CHECK(open->seed().value() == seed);
  CHECK(open->last_seed().value() == last_seed);
  for (std::size_t i = 0; i < secret_hex.size(); ++i) CHECK(open->entries()[i].secret_key->hex() == secret_hex[i]);
  CHECK(open->verify_seed(ctx).ok());
  CHECK(loaded->is_encrypted());  // unlock gives a copy; the loaded wallet stays locked
  CHECK(open->unlock(ctx, "x").error() == WalletError::not_encrypted);

  // Unlocked, it generates on from lastSeed; locked again under a new password, the old one fails.
  Wallet opened = std::move(open).value();
  REQUIRE(opened.generate_addresses(ctx, 1).ok());
  REQUIRE(opened.lock("new password", k_fast).ok());
  CHECK(opened.unlock(ctx, "correct horse").error() == WalletError::wrong_password);
  auto reopened = opened.unlock(ctx, "new password");
  REQUIRE(reopened.ok());
  CHECK(reopened->entries().size() == 4);
  CHECK(reopened->verify_seed(ctx).ok());
}

TEST_CASE("a wrong or empty password is refused with its own error code") {
  Secp256k1 ctx;
  Wallet w = new_wallet(ctx, "pw seed", 1);
  CHECK(w.lock("", k_fast).error() == WalletError::missing_password);
  REQUIRE(w.lock("right", k_fast).ok());
  auto wrong = w.unlock(ctx, "wrong");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error() == WalletError::wrong_password);
  CHECK(w.unlock(ctx, "").error() == WalletError::missing_password);
  CHECK(w.unlock(ctx, "right").ok());
}

TEST_CASE("a collection wallet's keys are encrypted too") {
  Secp256k1 ctx;
  NewWalletOptions o;
  o.filename = "c.wlt";
  auto w = Wallet::create_collection(o);
  REQUIRE(w.ok());
  const SecretKey key = SecretKey::generate();
  REQUIRE(w->add_entry(ctx, key).ok());
  REQUIRE(w->lock("pw", k_fast).ok());
  CHECK(w->serialize().find(key.hex()) == std::string::npos);
  auto open = Wallet::parse(ctx, w->serialize())->unlock(ctx, "pw");
  REQUIRE(open.ok());
  CHECK(open->entries()[0].secret_key.value() == key);
}

TEST_CASE("encrypted secrets use Skycoin's layout: length, scrypt header, IETF ChaCha20-Poly1305") {
  Secp256k1 ctx;
  auto text = encrypt_secrets("{\"seed\":\"x\"}", "pw", k_fast);
  REQUIRE(text.ok());
  auto blob = b64::base64_decode(text.value());
  REQUIRE(blob.has_value());
  const std::size_t header_len = (*blob)[0] | (std::size_t{(*blob)[1]} << 8);
  const std::string header(blob->begin() + 2, blob->begin() + 2 + static_cast<std::ptrdiff_t>(header_len));
  CHECK_THAT(header, Catch::StartsWith("{\"n\":32768,\"r\":8,\"p\":1,\"keyLen\":32,\"salt\":\""));
  CHECK_THAT(header, Catch::Contains("\"nonce\":\""));
  CHECK(blob->size() == 2 + header_len + 12 + 16);  // 12 bytes of plaintext and the 16-byte tag
  auto plain = decrypt_secrets(ctx, text.value(), "pw", k_fast);
  REQUIRE(plain.ok());
  CHECK(std::string(plain->view().begin(), plain->view().end()) == "{\"seed\":\"x\"}");
  // The default type asks for Skycoin's N = 2^20.
  CHECK(scrypt_params(CryptoType::scrypt_chacha20poly1305).n == (1u << 20));
  CHECK(crypto_type_name(CryptoType::scrypt_chacha20poly1305_insecure) == "scrypt-chacha20poly1305-insecure");
}

TEST_CASE("tampered or malformed secrets are refused, never crash") {
  Secp256k1 ctx;
  auto text = encrypt_secrets("{\"seed\":\"x\"}", "pw", k_fast);
  REQUIRE(text.ok());
  auto blob = b64::base64_decode(text.value()).value();

  SECTION("a flipped ciphertext byte fails authentication") {
    blob.back() ^= 1;
    CHECK(decrypt_secrets(ctx, b64::base64_encode(blob), "pw", k_fast).error() == WalletError::wrong_password);
  }
  SECTION("a changed header (associated data) fails authentication") {
    const std::string h(blob.begin(), blob.end());
    const auto at = h.find("\"p\":1");
    REQUIRE(at != std::string::npos);
    blob[at + 4] = '2';
    CHECK(decrypt_secrets(ctx, b64::base64_encode(blob), "pw", k_fast).error() == WalletError::wrong_password);
  }
  SECTION("malformed blobs name meta.secrets") {
    for (const std::string& bad :
         {std::string("not base64!"), b64::base64_encode(Bytes{1}), b64::base64_encode(Bytes{0xFF, 0xFF, '{'}),
          b64::base64_encode(Bytes(blob.begin(), blob.begin() + 40))}) {
      auto r = decrypt_secrets(ctx, bad, "pw", k_fast);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error() == WalletError::malformed_field);
      CHECK_THAT(r.message(), Catch::StartsWith("meta.secrets"));
    }
  }
  SECTION("a header asking for absurd scrypt memory is refused before any allocation") {
    std::string h(blob.begin(), blob.end());
    const auto at = h.find("32768");
    REQUIRE(at != std::string::npos);
    const std::string bigger = "{\"n\":1099511627776," + h.substr(at + 6);  // 2^40
    Bytes forged;
    const std::string header = bigger.substr(0, bigger.find('}') + 1);
    forged.push_back(static_cast<uint8_t>(header.size() & 0xFF));
    forged.push_back(static_cast<uint8_t>(header.size() >> 8));
    forged.insert(forged.end(), header.begin(), header.end());
    forged.insert(forged.end(), 28, 0);
    auto r = decrypt_secrets(ctx, b64::base64_encode(forged), "pw", k_fast);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == WalletError::malformed_field);
  }
}

TEST_CASE("an encrypted wallet grows with its password and stays encrypted") {
  Secp256k1 ctx;
  Wallet w = new_wallet(ctx, "guarded seed", 2);
  Wallet reference = new_wallet(ctx, "guarded seed", 4);
  REQUIRE(w.lock("pw", k_fast).ok());
  CHECK(w.generate_addresses(ctx, 2, "wrong").error() == WalletError::wrong_password);
  CHECK(w.entries().size() == 2);
  auto added = w.generate_addresses(ctx, 2, "pw");
  REQUIRE(added.ok());
  CHECK(w.is_encrypted());
  CHECK(w.crypto_type() == k_fast);
  CHECK(w.addresses() == reference.addresses());
  CHECK(w.serialize().find(reference.last_seed().value()) == std::string::npos);
  auto open = w.unlock(ctx, "pw");
  REQUIRE(open.ok());
  CHECK(open->last_seed().value() == reference.last_seed().value());
}
