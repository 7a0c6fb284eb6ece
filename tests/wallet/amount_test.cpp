// Coin amounts: "1.5" SKY <-> droplets, and every refusal.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>

#include "skymesh/wallet/amount.hpp"

using namespace skymesh::wallet;

TEST_CASE("decimal amounts become droplets") {
  CHECK(parse_coins("1.5").value() == 1'500'000);
  CHECK(parse_coins("12").value() == 12'000'000);
  CHECK(parse_coins("0.001").value() == 1'000);
  CHECK(parse_coins(".5").value() == 500'000);
  CHECK(parse_coins("7.").value() == 7'000'000);
  CHECK(parse_coins("1.5000000").value() == 1'500'000);  // trailing zeros are not decimals
  CHECK(parse_coins("0.000001", 6).value() == 1);
  CHECK(parse_coins("100000000").value() == 100'000'000'000'000);
}

TEST_CASE("malformed amounts are refused with invalid_amount") {
  for (const char* text : {"", "-1", "+1", " 1", "1 ", "1,5", "1.2.3", ".", "abc", "1e6", "100000000.001",
                           "99999999999999999999999", "18446744073709551616"}) {
    INFO(text);
    auto parsed = parse_coins(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error() == WalletError::invalid_amount);
  }
  CHECK(parse_coins("-1").message().find("negative") != std::string::npos);
}

TEST_CASE("more decimals than the network allows are refused with too_many_decimals") {
  auto parsed = parse_coins("1.0001");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == WalletError::too_many_decimals);
  CHECK(parsed.message().find("at most 3") != std::string::npos);
  CHECK(parse_coins("1.5", 0).error() == WalletError::too_many_decimals);
  CHECK(parse_coins("1.0000001", 6).error() == WalletError::too_many_decimals);
  CHECK(parse_coins("1", 7).error() == WalletError::invalid_argument);
}

TEST_CASE("formatting droplets and parsing them back gives the same number") {
  CHECK(format_coins(1'500'000) == "1.5");
  CHECK(format_coins(2'000'000) == "2");
  CHECK(format_coins(1) == "0.000001");
  CHECK(format_coins(0) == "0");
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 random(seed);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t droplets = random() % (100'000'000'000'000 + 1);
    CHECK(parse_coins(format_coins(droplets), 6).value() == droplets);
  }
}
