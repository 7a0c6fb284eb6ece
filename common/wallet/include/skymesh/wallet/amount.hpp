// Coin amounts as people write them: "1.5" SKY is 1'500'000 droplets (1 SKY = 10^6 droplets). Parsing is
// strict, so a typo never turns into a different payment.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "skymesh/wallet/error.hpp"

namespace skymesh::wallet {

// Skycoin's default max_decimals: outputs carry coins in steps of 0.001 SKY (coin::SoftRules).
inline constexpr uint8_t k_default_max_decimals = 3;

// Parses a decimal amount of coins ("12", "1.5", "0.001") into droplets. Accepts digits with at most one '.',
// at least one digit on some side of it; refuses anything else. Errors: invalid_amount (empty, sign, spaces,
// letters, more than one '.', past the 100M SKY supply, u64 overflow), too_many_decimals (more significant
// decimals than max_decimals, which is at most 6; trailing zeros do not count: "1.5000" is fine with 3).
Result<uint64_t> parse_coins(std::string_view text, uint8_t max_decimals = k_default_max_decimals);

// Droplets as a short decimal: 1'500'000 -> "1.5", 2'000'000 -> "2", 1 -> "0.000001". parse_coins(format_coins(d),
// 6) == d for every d up to the supply.
std::string format_coins(uint64_t droplets);

}  // namespace skymesh::wallet
