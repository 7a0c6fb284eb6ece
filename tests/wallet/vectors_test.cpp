// Skycoin's own wallet files (src/wallet/testdata): the deterministic test1.wlt, the bip44 test5-bip44.wlt and
// the two encrypted samples. The encrypted samples' password "pwd" is named in Skycoin's wallet tests (the
// code that regenerates them with -u).
#include <catch2/catch.hpp>

#include "skymesh/cipher/cipher.hpp"
#include "skymesh/wallet/wallet_file.hpp"
#include "wallet_test_support.hpp"

using namespace skymesh::wallet;
using namespace skymesh::cipher;
using skymesh::wallet::test::have_wallet_vectors;
using skymesh::wallet::test::read_text;
using skymesh::wallet::test::wallet_vectors_dir;

TEST_CASE("test1.wlt derives its address and its next seed from its seed") {
  if (!have_wallet_vectors()) return;
  Secp256k1 ctx;
  auto wallet = load_wallet(ctx, wallet_vectors_dir() / "test1.wlt");
  REQUIRE(wallet.ok());
  CHECK(wallet->type() == WalletType::deterministic);
  CHECK(wallet->label() == "test3");
  CHECK_FALSE(wallet->is_encrypted());
  REQUIRE(wallet->entries().size() == 1);
  CHECK(wallet->entries()[0].address.to_base58() == "JUdRuTiqD1mGcw358twMg3VPpXpzbkdRvJ");
  CHECK(wallet->verify_seed(ctx).ok());

  // Independently of verify_seed: the seed text's bytes give the entry and the lastSeed.
  const std::string seed = wallet->seed().value();
  CHECK(seed == "buddy fossil side modify turtle door label grunt baby worth brush master");
  auto keys = deterministic_key_pairs(ctx, as_bytes(seed), 1);
  REQUIRE(keys.ok());
  CHECK(Address::from_public_key(keys->keys[0].public_key) == wallet->entries()[0].address);
  CHECK(keys->keys[0].secret_key.hex() == "1fc5396e91e60b9fc613d004ea5bd2ccea17053a12127301b3857ead76fdb93e");
  CHECK(to_hex(keys->next_seed.view()) == wallet->last_seed().value());
  CHECK(wallet->last_seed().value() == "9182b02c0004217ba9a55593f8cf0abecc30d041e094b266dbb5103e1919adaf");

  // The next address continues from lastSeed: it is the seed's second key.
  auto more = wallet->generate_addresses(ctx, 2);
  REQUIRE(more.ok());
  auto three = deterministic_key_pairs(ctx, as_bytes(seed), 3);
  REQUIRE(three.ok());
  CHECK(more.value()[0] == Address::from_public_key(three->keys[1].public_key));
  CHECK(more.value()[1] == Address::from_public_key(three->keys[2].public_key));
  CHECK(wallet->last_seed().value() == to_hex(three->next_seed.view()));
  CHECK(wallet->verify_seed(ctx).ok());
}

TEST_CASE("test1.wlt written back reads the same and keeps Skycoin's layout") {
  if (!have_wallet_vectors()) return;
  Secp256k1 ctx;
  const std::string original = read_text(wallet_vectors_dir() / "test1.wlt");
  auto wallet = Wallet::parse(ctx, original);
  REQUIRE(wallet.ok());
  // Skycoin writes meta keys sorted and entries as address, public_key, secret_key: the same bytes come back
  // (the file ends with a newline that json.MarshalIndent does not write).
  std::string trimmed = original;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  CHECK(wallet->serialize() == trimmed);
}

TEST_CASE("test5-bip44.wlt entries are the keys at their BIP44 paths") {
  if (!have_wallet_vectors()) return;
  Secp256k1 ctx;
  auto wallet = load_wallet(ctx, wallet_vectors_dir() / "test5-bip44.wlt");
  REQUIRE(wallet.ok());
  CHECK(wallet->type() == WalletType::bip44);
  REQUIRE(wallet->entries().size() == 7);
  CHECK(wallet->entries()[0].address.to_base58() == "9BSEAEE3XGtQ2X43BCT2XCYgheGLQQigEG");
  CHECK(wallet->entries()[6].chain == 1);
  CHECK(wallet->verify_seed(ctx).ok());
  CHECK(wallet->lock("pwd").error() == WalletError::not_supported);
  // Written back, the accounts are unchanged.
  auto again = Wallet::parse(ctx, wallet->serialize());
  REQUIRE(again.ok());
  CHECK(again->addresses() == wallet->addresses());
  CHECK(again->verify_seed(ctx).ok());
}

TEST_CASE("scrypt-chacha20poly1305-encrypted.wlt opens with its password and refuses a wrong one") {
  if (!have_wallet_vectors()) return;
  Secp256k1 ctx;
  auto wallet = load_wallet(ctx, wallet_vectors_dir() / "scrypt-chacha20poly1305-encrypted.wlt");
  REQUIRE(wallet.ok());
  CHECK(wallet->is_encrypted());
  CHECK(wallet->crypto_type() == CryptoType::scrypt_chacha20poly1305);
  REQUIRE(wallet->entries().size() == 2);
  CHECK(wallet->seed().error() == WalletError::wallet_locked);
  CHECK(wallet->secret_key(wallet->entries()[0].address).error() == WalletError::wallet_locked);

  auto wrong = wallet->unlock(ctx, "not the password");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error() == WalletError::wrong_password);

  auto open = wallet->unlock(ctx, "pwd");
  REQUIRE(open.ok());
  CHECK_FALSE(open->is_encrypted());
  CHECK(open->seed().value() == "seed-scrypt-chacha20poly1305");
  CHECK(open->verify_seed(ctx).ok());
  CHECK(open->secret_key(open->entries()[1].address).value().hex() ==
        "118c7fd1daf30378687743b739e0f3bbc9c4ad4f77a93a3b27477a4adfdecc1e");
}

TEST_CASE("sha256xor-encrypted.wlt (the legacy scheme) is read and opened, never written") {
  if (!have_wallet_vectors()) return;
  Secp256k1 ctx;
  auto wallet = load_wallet(ctx, wallet_vectors_dir() / "sha256xor-encrypted.wlt");
  REQUIRE(wallet.ok());
  CHECK(wallet->crypto_type() == CryptoType::sha256_xor);
  CHECK(wallet->unlock(ctx, "wrong").error() == WalletError::wrong_password);
  auto open = wallet->unlock(ctx, "pwd");
  REQUIRE(open.ok());
  CHECK(open->verify_seed(ctx).ok());
  CHECK(open->lock("pwd", CryptoType::sha256_xor).error() == WalletError::unsupported_crypto_type);
}
