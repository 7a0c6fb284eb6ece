// BIP39 phrases against the standard test vectors (Trezor's vectors.json) and the generator's output.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/wallet/bip39.hpp"

using namespace skymesh::wallet;
using skymesh::cipher::from_hex;
using skymesh::cipher::to_hex;

TEST_CASE("the embedded English list has 2048 sorted distinct words") {
  const auto words = bip39_english_words();
  REQUIRE(words.size() == 2048);
  CHECK(words.front() == "abandon");
  CHECK(words[1] == "ability");
  CHECK(words.back() == "zoo");
  std::set<std::string_view> distinct(words.begin(), words.end());
  CHECK(distinct.size() == 2048);
  CHECK(std::is_sorted(words.begin(), words.end()));
}

TEST_CASE("entropy gives the standard phrases and the phrases give the standard seeds") {
  struct Vector {
    const char* entropy;
    const char* phrase;
    const char* seed;  // with passphrase "TREZOR"
  };
  const Vector vectors[] = {
      {"00000000000000000000000000000000",
       "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
       "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7"
       "c81b2f001698e7463b04"},
      {"7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
       "legal winner thank year wave sausage worth useful legal winner thank yellow",
       "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381e"
       "e6260e8d9739fce1f607"},
      {"ffffffffffffffffffffffffffffffff", "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong",
       "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a1"
       "4c34e18231052e48c069"},
  };
  for (const auto& v : vectors) {
    INFO(v.phrase);
    auto phrase = mnemonic_from_entropy(from_hex(v.entropy));
    REQUIRE(phrase.ok());
    CHECK(phrase.value() == v.phrase);
    auto entropy = mnemonic_to_entropy(v.phrase);
    REQUIRE(entropy.ok());
    CHECK(to_hex(entropy->view()) == v.entropy);
    CHECK(to_hex(mnemonic_to_seed(v.phrase, "TREZOR").view()) == v.seed);
  }
}

TEST_CASE("a generated phrase has 12 listed words and a valid checksum, and phrases differ") {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    auto phrase = generate_mnemonic();
    REQUIRE(phrase.ok());
    INFO(phrase.value());
    CHECK(std::count(phrase->begin(), phrase->end(), ' ') == 11);
    CHECK(mnemonic_to_entropy(phrase.value()).ok());
    seen.insert(phrase.value());
  }
  CHECK(seen.size() == 20);
  auto long_phrase = generate_mnemonic(24);
  REQUIRE(long_phrase.ok());
  CHECK(std::count(long_phrase->begin(), long_phrase->end(), ' ') == 23);
  CHECK(mnemonic_to_entropy(long_phrase.value()).ok());
  CHECK(generate_mnemonic(13).error() == WalletError::invalid_argument);
}

TEST_CASE("a phrase with a wrong checksum, an unknown word or a bad word count is refused") {
  auto bad_checksum = mnemonic_to_entropy(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon");
  REQUIRE_FALSE(bad_checksum.ok());
  CHECK(bad_checksum.error() == WalletError::invalid_mnemonic);
  CHECK_THAT(bad_checksum.message(), Catch::Contains("checksum"));

  auto unknown = mnemonic_to_entropy(
      "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon skycoin");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error() == WalletError::invalid_mnemonic);
  CHECK_THAT(unknown.message(), Catch::Contains("word 12"));

  CHECK(mnemonic_to_entropy("abandon about").error() == WalletError::invalid_mnemonic);
  CHECK(mnemonic_to_entropy("").error() == WalletError::invalid_mnemonic);
  CHECK(mnemonic_to_entropy("abandon  abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                            "abandon about")
            .error() == WalletError::invalid_mnemonic);
}
