// Wallets made here: new deterministic wallets from a generated phrase or a given seed, collection wallets,
// read-modify-write of unknown members, and every malformed-file error naming what is wrong.
#include <catch2/catch.hpp>

#include <string>

#include "skymesh/cipher/cipher.hpp"
#include "skymesh/wallet/bip39.hpp"
#include "skymesh/wallet/wallet.hpp"

using namespace skymesh::wallet;
using namespace skymesh::cipher;

namespace {

NewWalletOptions options(std::string filename = "test.wlt") {
  NewWalletOptions o;
  o.filename = std::move(filename);
  o.label = "label";
  o.timestamp = 1700000000;
  return o;
}

// A small valid deterministic wallet's text, for the malformed-file cases to edit.
std::string sample_text(const Secp256k1& ctx) {
  auto w = Wallet::create_deterministic(ctx, "sample seed", options("sample.wlt"), 2);
  REQUIRE(w.ok());
  return w->serialize();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

WalletFault parse_fault(const Secp256k1& ctx, const std::string& text) {
  auto parsed = Wallet::parse(ctx, text);
  REQUIRE_FALSE(parsed.ok());
  INFO(parsed.message());
  return parsed.fault();
}

}  // namespace

TEST_CASE("a new wallet from a generated phrase has the phrase as seed and Skycoin's addresses") {
  Secp256k1 ctx;
  const std::string phrase = generate_mnemonic().value();
  INFO("phrase: " << phrase);
  REQUIRE(mnemonic_to_entropy(phrase).ok());
  auto w = Wallet::create_deterministic(ctx, phrase, options(), 5);
  REQUIRE(w.ok());
  CHECK(w->seed().value() == phrase);
  CHECK(w->version() == "0.4");
  auto keys = deterministic_key_pairs(ctx, as_bytes(phrase), 5);
  REQUIRE(keys.ok());
  REQUIRE(w->entries().size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(w->entries()[i].address == Address::from_public_key(keys->keys[i].public_key));
    CHECK(w->entries()[i].secret_key.value() == keys->keys[i].secret_key);
  }
  CHECK(w->last_seed().value() == to_hex(keys->next_seed.view()));
  CHECK(w->verify_seed(ctx).ok());
}

TEST_CASE("addresses generated in several calls equal those generated at once") {
  Secp256k1 ctx;
  auto a = Wallet::create_deterministic(ctx, "split seed", options(), 0);
  REQUIRE(a.ok());
  CHECK(a->last_seed().value() == "split seed");  // as Skycoin: lastSeed starts as the seed itself
  REQUIRE(a->generate_addresses(ctx, 2).ok());
  REQUIRE(a->generate_addresses(ctx, 3).ok());
  CHECK(a->generate_addresses(ctx, 0)->empty());
  auto b = Wallet::create_deterministic(ctx, "split seed", options(), 5);
  REQUIRE(b.ok());
  CHECK(a->addresses() == b->addresses());
  CHECK(a->last_seed().value() == b->last_seed().value());
}

TEST_CASE("a wallet written and read back is the same wallet") {
  Secp256k1 ctx;
  auto w = Wallet::create_deterministic(ctx, "round trip", options(), 3);
  REQUIRE(w.ok());
  auto back = Wallet::parse(ctx, w->serialize());
  REQUIRE(back.ok());
  CHECK(back->addresses() == w->addresses());
  CHECK(back->seed().value() == "round trip");
  CHECK(back->last_seed().value() == w->last_seed().value());
  CHECK(back->serialize() == w->serialize());
  CHECK(back->verify_seed(ctx).ok());
}

TEST_CASE("unknown meta keys, entry members and top-level members survive a read-modify-write") {
  Secp256k1 ctx;
  std::string text = sample_text(ctx);
  text = replace(text, "\"coin\": \"skycoin\",", "\"coin\": \"skycoin\", \"zzNote\": \"keep me\", \"aNum\": 7,");
  text = replace(text, "\"secret_key\": ", "\"child_label\": \"first\", \"secret_key\": ");
  text = replace(text, "\"entries\": [", "\"extra_top\": {\"x\": [1, 2]}, \"entries\": [");
  auto w = Wallet::parse(ctx, text);
  REQUIRE(w.ok());
  REQUIRE(w->generate_addresses(ctx, 1).ok());
  w->set_label("relabelled");
  REQUIRE(w->set_meta("walletNote", "mine").ok());
  CHECK(w->set_meta("seed", "x").error() == WalletError::invalid_argument);
  const std::string out = w->serialize();
  CHECK_THAT(out, Catch::Contains("\"zzNote\": \"keep me\""));
  CHECK_THAT(out, Catch::Contains("\"aNum\": 7"));
  CHECK_THAT(out, Catch::Contains("\"child_label\": \"first\""));
  CHECK_THAT(out, Catch::Contains("\"extra_top\": {"));
  CHECK_THAT(out, Catch::Contains("\"walletNote\": \"mine\""));
  auto again = Wallet::parse(ctx, out);
  REQUIRE(again.ok());
  CHECK(again->label() == "relabelled");
  CHECK(again->meta_string("zzNote") == "keep me");
  CHECK(again->entries().size() == 3);
  CHECK(again->verify_seed(ctx).ok());
}

TEST_CASE("a collection wallet takes keys one by one and refuses a duplicate") {
  Secp256k1 ctx;
  auto w = Wallet::create_collection(options("coll.wlt"));
  REQUIRE(w.ok());
  const SecretKey key = SecretKey::from_hex("1fc5396e91e60b9fc613d004ea5bd2ccea17053a12127301b3857ead76fdb93e");
  auto added = w->add_entry(ctx, key);
  REQUIRE(added.ok());
  CHECK(added->to_base58() == "JUdRuTiqD1mGcw358twMg3VPpXpzbkdRvJ");
  CHECK(w->add_entry(ctx, key).error() == WalletError::duplicate_entry);
  CHECK(w->generate_addresses(ctx, 1).error() == WalletError::not_supported);
  CHECK(w->seed().error() == WalletError::not_supported);
  auto back = Wallet::parse(ctx, w->serialize());
  REQUIRE(back.ok());
  CHECK(back->type() == WalletType::collection);
  CHECK(back->secret_key(added.value()).value() == key);
}

TEST_CASE("bad arguments to the constructors are refused") {
  Secp256k1 ctx;
  CHECK(Wallet::create_deterministic(ctx, "", options()).error() == WalletError::invalid_seed);
  CHECK(Wallet::create_deterministic(ctx, "s", options("")).error() == WalletError::invalid_argument);
  auto w = Wallet::create_deterministic(ctx, "s", options());
  REQUIRE(w.ok());
  CHECK(w->generate_addresses(ctx, Wallet::k_max_generate + 1).error() == WalletError::invalid_argument);
}

TEST_CASE("malformed wallet files give an error code and name the field") {
  Secp256k1 ctx;
  const std::string good = sample_text(ctx);
  REQUIRE(Wallet::parse(ctx, good).ok());

  SECTION("truncated at every length") {
    for (std::size_t n = 0; n < good.size(); n += 7) {
      auto parsed = Wallet::parse(ctx, good.substr(0, n));
      CHECK_FALSE(parsed.ok());
      if (!parsed.ok()) CHECK(parsed.error() == WalletError::malformed_json);
    }
  }
  SECTION("not an object, or no meta") {
    CHECK(parse_fault(ctx, "[]").code == WalletError::malformed_field);
    auto f = parse_fault(ctx, R"({"entries": []})");
    CHECK(f.code == WalletError::malformed_field);
    CHECK_THAT(f.message, Catch::StartsWith("meta"));
  }
  SECTION("type, coin and crypto type") {
    CHECK(parse_fault(ctx, replace(good, "\"deterministic\"", "\"xpub\"")).code ==
          WalletError::unsupported_wallet_type);
    CHECK(parse_fault(ctx, replace(good, "\"skycoin\"", "\"bitcoin\"")).code == WalletError::unsupported_coin);
    auto no_type = parse_fault(ctx, replace(good, "\"type\": \"deterministic\",", ""));
    CHECK(no_type.code == WalletError::malformed_field);
    CHECK_THAT(no_type.message, Catch::Contains("meta.type"));
    auto enc = replace(good, "\"encrypted\": \"false\"", "\"encrypted\": \"true\"");
    enc = replace(enc, "\"scrypt-chacha20poly1305\"", "\"rot13\"");
    CHECK(parse_fault(ctx, enc).code == WalletError::unsupported_crypto_type);
  }
  SECTION("meta fields of the wrong form") {
    auto tm = parse_fault(ctx, replace(good, "\"tm\": \"1700000000\"", "\"tm\": \"soon\""));
    CHECK_THAT(tm.message, Catch::Contains("meta.tm"));
    auto label = parse_fault(ctx, replace(good, "\"label\": \"label\"", "\"label\": 5"));
    CHECK_THAT(label.message, Catch::Contains("meta.label"));
    auto encrypted = parse_fault(ctx, replace(good, "\"encrypted\": \"false\"", "\"encrypted\": \"maybe\""));
    CHECK_THAT(encrypted.message, Catch::Contains("meta.encrypted"));
    auto seedless = parse_fault(ctx, replace(good, "\"seed\": \"sample seed\"", "\"seed\": \"\""));
    CHECK_THAT(seedless.message, Catch::Contains("meta.seed"));
    auto secrets = parse_fault(ctx, replace(good, "\"label\": \"label\"", "\"secrets\": \"abc\", \"label\": \"l\""));
    CHECK_THAT(secrets.message, Catch::Contains("meta.secrets"));
  }
  SECTION("entries") {
    auto w = Wallet::parse(ctx, good);
    REQUIRE(w.ok());
    const std::string a0 = w->entries()[0].address.to_base58();
    const std::string a1 = w->entries()[1].address.to_base58();
    const std::string p0 = w->entries()[0].public_key.hex();
    const std::string s0 = w->entries()[0].secret_key->hex();

    auto bad_address = parse_fault(ctx, replace(good, a0, a0.substr(0, a0.size() - 1) + "1"));
    CHECK(bad_address.code == WalletError::invalid_address);
    CHECK_THAT(bad_address.message, Catch::Contains("entries[0].address"));
    auto bad_public = parse_fault(ctx, replace(good, p0, "02" + std::string(64, 'x')));
    CHECK(bad_public.code == WalletError::malformed_field);
    CHECK_THAT(bad_public.message, Catch::Contains("entries[0].public_key"));
    auto wrong_address = parse_fault(ctx, replace(good, "\"address\": \"" + a0, "\"address\": \"" + a1));
    CHECK(wrong_address.code == WalletError::entry_mismatch);
    CHECK_THAT(wrong_address.message, Catch::Contains("entries[0]"));
    auto bad_secret = parse_fault(ctx, replace(good, s0, std::string(64, '0')));
    CHECK(bad_secret.code == WalletError::malformed_field);
    CHECK_THAT(bad_secret.message, Catch::Contains("entries[0].secret_key"));
    auto other_secret = parse_fault(ctx, replace(good, s0, w->entries()[1].secret_key->hex()));
    CHECK(other_secret.code == WalletError::entry_mismatch);
    auto not_list = parse_fault(ctx, replace(good, "\"entries\": [", "\"entries\": 5, \"old\": ["));
    CHECK(not_list.code == WalletError::malformed_field);
    CHECK_THAT(not_list.message, Catch::StartsWith("entries"));
  }
}
