// Hex and base58 text forms.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "skymesh/cipher/base58.hpp"
#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/hash.hpp"

using namespace skymesh::cipher;

TEST_CASE("hex round-trips and accepts either case") {
  Bytes bytes = {0x00, 0x01, 0xab, 0xff};
  CHECK(to_hex(bytes) == "0001abff");
  CHECK(from_hex("0001abff") == bytes);
  CHECK(from_hex("0001ABFF") == bytes);
  CHECK(from_hex("").empty());
}

TEST_CASE("hex refuses odd lengths and non-hex characters") {
  auto odd = try_from_hex("abc");
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.error() == CipherError::invalid_hex);
  for (const char* bad : {"0g", "zz", " 0", "0x00", "\xff\xff"}) {
    auto out = try_from_hex(bad);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error() == CipherError::invalid_hex);
  }
  CHECK_THROWS_AS(from_hex("xyz0"), CipherException);
}

TEST_CASE("fixed-size values refuse the wrong length") {
  auto short_hash = Sha256::try_from_hex("00ff");
  REQUIRE_FALSE(short_hash.ok());
  CHECK(short_hash.error() == CipherError::invalid_length);
  auto bad_hex = Sha256::try_from_hex(std::string(64, 'q'));
  REQUIRE_FALSE(bad_hex.ok());
  CHECK(bad_hex.error() == CipherError::invalid_hex);
}

TEST_CASE("base58 matches Bitcoin's encode/decode vectors") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"61", "2g"},
      {"626262", "a3gV"},
      {"636363", "aPEr"},
      {"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
      {"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
      {"516b6fcd0f", "ABnLTmg"},
      {"bf4f89001e670274dd", "3SEo3LWLoPntC"},
      {"572e4794", "3EFU7m"},
      {"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
      {"10c8511e", "Rt5zm"},
      {"00000000000000000000", "1111111111"},
  };
  for (const auto& [hex, text] : cases) {
    INFO(hex);
    CHECK(base58_encode(from_hex(hex)) == text);
    CHECK(to_hex(base58_decode(text)) == hex);
  }
  CHECK(base58_encode({}).empty());
}

TEST_CASE("base58 refuses the empty string and characters outside the alphabet") {
  auto empty = try_base58_decode("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error() == CipherError::invalid_base58);
  for (const char* bad : {"0", "O", "I", "l", "2g ", "+", "2g\xc3\xa9"}) {
    INFO(bad);
    auto out = try_base58_decode(bad);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error() == CipherError::invalid_base58);
  }
}

TEST_CASE("base58 round-trips random bytes with leading zeros") {
  for (std::size_t zeros = 0; zeros < 4; ++zeros) {
    for (std::size_t len = 0; len < 40; ++len) {
      Bytes bytes(zeros, 0);
      for (std::size_t i = 0; i < len; ++i) bytes.push_back(static_cast<uint8_t>(i * 37 + len));
      if (bytes.empty()) continue;
      CHECK(base58_decode(base58_encode(bytes)) == bytes);
    }
  }
}

TEST_CASE("cipher error names are stable") {
  CHECK(cipher_error_name(CipherError::invalid_checksum) == "invalid_checksum");
  CHECK(cipher_error_name(CipherError::high_s) == "high_s");
  CHECK(cipher_error_name(CipherError::invalid_recovery_id) == "invalid_recovery_id");
  Fault fault{CipherError::invalid_hex, "bad"};
  CHECK(fault.to_string() == "invalid_hex: bad");
}
