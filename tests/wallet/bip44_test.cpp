// Skycoin's bip44 wallet file test5-bip44.wlt (accounts[].chains[].entries[]): new addresses derived from the
// external chain's extended public key (with their secret keys from the seed when the wallet is open), the same
// after a rewrite; an encrypted copy still lists and derives its addresses but is not opened; entries that are
// not their chain's children, and the flat pre-0.4 layout, are refused.
#include <catch2/catch.hpp>

#include <string>

#include "skymesh/cipher/bip32.hpp"
#include "skymesh/cipher/cipher.hpp"
#include "skymesh/wallet/bip39.hpp"
#include "skymesh/wallet/wallet_file.hpp"
#include "wallet_test_support.hpp"

using namespace skymesh::wallet;
using namespace skymesh::cipher;
using skymesh::wallet::test::have_wallet_vectors;
using skymesh::wallet::test::read_text;
using skymesh::wallet::test::wallet_vectors_dir;

namespace {

constexpr const char* k_phrase = "voyage say extend find sheriff surge priority merit ignore maple cash argue";

// The key at m/44'/8000'/0'/0/child of test5's phrase (empty passphrase), independently of the wallet code.
ExtendedPrivateKey external_key(const Secp256k1& ctx, uint32_t child) {
  const SecretBytes seed = mnemonic_to_seed(k_phrase, "");
  auto key = ExtendedPrivateKey::from_path(ctx, seed.view(), "m/44'/8000'/0'/0/" + std::to_string(child));
  REQUIRE(key);
  return key.value();
}

Json test5_document() {
  auto doc = parse_json(read_text(wallet_vectors_dir() / "test5-bip44.wlt"));
  REQUIRE(doc.ok());
  return std::move(doc).value();
}

std::vector<Json>& chain_entries(Json& doc, std::size_t chain) {
  return doc.find("accounts")->as_array()[0].find("chains")->as_array()[chain].find("entries")->as_array();
}

}  // namespace

TEST_CASE("test5-bip44.wlt derives new external addresses from its chain's public key") {
  if (!have_wallet_vectors()) return;
  Secp256k1 ctx;
  auto wallet = load_wallet(ctx, wallet_vectors_dir() / "test5-bip44.wlt");
  REQUIRE(wallet.ok());
  REQUIRE(wallet->entries().size() == 7);  // six external, one change
  auto made = wallet->generate_addresses(ctx, 2);
  REQUIRE(made.ok());
  REQUIRE(made->size() == 2);
  for (uint32_t i = 0; i < 2; ++i) {
    const ExtendedPrivateKey key = external_key(ctx, 6 + i);
    CHECK((*made)[i] == Address::from_public_key(key.public_key()));
    CHECK(wallet->secret_key((*made)[i]).value().hex() == key.secret_key().hex());
  }
  REQUIRE(wallet->entries().size() == 9);
  CHECK(wallet->entries()[7].child_number == 7);
  CHECK(wallet->entries()[8].chain == 1);  // the change entry stays after the external ones
  CHECK(wallet->verify_seed(ctx).ok());

  auto again = Wallet::parse(ctx, wallet->serialize());
  REQUIRE(again.ok());
  CHECK(again->addresses() == wallet->addresses());
  CHECK(again->verify_seed(ctx).ok());
  CHECK(again->secret_key((*made)[1]).ok());
}

TEST_CASE("an encrypted bip44 wallet lists and derives its addresses, and opening it is refused clearly") {
  if (!have_wallet_vectors()) return;
  Secp256k1 ctx;
  // Skycoin's encrypted layout: no seed, passphrase, account private key or entry secret outside meta.secrets.
  Json doc = test5_document();
  Json* meta = doc.find("meta");
  meta->set("encrypted", Json::string("true"));
  meta->set("secrets", Json::string("c2VhbGVkIHNlY3JldHM="));
  meta->set("seed", Json::string(""));
  meta->set("seedPassphrase", Json::string(""));
  doc.find("accounts")->as_array()[0].erase("private_key");
  for (std::size_t chain = 0; chain < 2; ++chain) {
    for (Json& entry : chain_entries(doc, chain)) entry.set("secret", Json::string(""));
  }
  auto wallet = Wallet::parse(ctx, write_json(doc, 4));
  INFO((wallet.ok() ? std::string() : wallet.message()));
  REQUIRE(wallet.ok());
  CHECK(wallet->is_encrypted());
  REQUIRE(wallet->entries().size() == 7);
  CHECK(wallet->entries()[0].address.to_base58() == "9BSEAEE3XGtQ2X43BCT2XCYgheGLQQigEG");

  auto made = wallet->generate_addresses(ctx, 1);
  REQUIRE(made.ok());
  CHECK(made->at(0) == Address::from_public_key(external_key(ctx, 6).public_key()));
  CHECK(wallet->secret_key(made->at(0)).error() == WalletError::wallet_locked);
  auto opened = wallet->unlock(ctx, "pwd");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error() == WalletError::not_supported);

  // A secret left in an encrypted file is refused.
  chain_entries(doc, 0)[0].set("secret", Json::string(external_key(ctx, 0).secret_key().hex()));
  CHECK(Wallet::parse(ctx, write_json(doc, 4)).error() == WalletError::malformed_field);
}

TEST_CASE("bip44 entries that are not their chain's children, and the flat pre-0.4 layout, are refused") {
  if (!have_wallet_vectors()) return;
  Secp256k1 ctx;
  {
    Json doc = test5_document();
    chain_entries(doc, 0)[0].set("child_number", Json::number("3"));
    auto parsed = Wallet::parse(ctx, write_json(doc, 4));
    CHECK(parsed.error() == WalletError::entry_mismatch);
  }
  {
    Json doc = test5_document();
    doc.find("accounts")->as_array()[0].find("chains")->as_array()[1].erase("public_key");
    auto parsed = Wallet::parse(ctx, write_json(doc, 4));
    CHECK(parsed.error() == WalletError::malformed_field);
  }
  {
    Json doc = test5_document();
    doc.set("entries", Json::array({chain_entries(doc, 0)[0]}));
    auto parsed = Wallet::parse(ctx, write_json(doc, 4));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error() == WalletError::malformed_field);
    CHECK_THAT(parsed.message(), Catch::Contains("accounts[].chains[]"));
  }
}
