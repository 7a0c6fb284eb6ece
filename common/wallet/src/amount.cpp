#include "skymesh/wallet/amount.hpp"

#include "skymesh/coin/params.hpp"

namespace skymesh::wallet {
namespace {

Result<uint64_t> bad_amount(std::string_view text, const std::string& why) {
  return WalletFault{WalletError::invalid_amount, "amount \"" + std::string(text) + "\": " + why};
}

}  // namespace

Result<uint64_t> parse_coins(std::string_view text, uint8_t max_decimals) {
  if (max_decimals > coin::k_droplet_exponent) {
    return WalletFault{WalletError::invalid_argument, "max_decimals is at most 6, got " + std::to_string(max_decimals)};
  }
  if (text.empty()) return bad_amount(text, "empty");
  if (text.size() > 64) return bad_amount(text.substr(0, 64), "too long");
  if (text[0] == '-') return bad_amount(text, "negative amounts are refused");
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return bad_amount(text, "no digits");
  for (std::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (c < '0' || c > '9') return bad_amount(text, std::string("'") + c + "' is not a digit");
    }
  }
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (fraction.size() > max_decimals) {
    return WalletFault{WalletError::too_many_decimals, "amount \"" + std::string(text) + "\" has " +
                                                           std::to_string(fraction.size()) + " decimals; at most " +
                                                           std::to_string(max_decimals) + " are allowed"};
  }
  uint64_t coins = 0;
  for (char c : whole) {
    coins = coins * 10 + static_cast<uint64_t>(c - '0');
    if (coins > coin::k_max_coin_supply) return bad_amount(text, "more than the 100000000 SKY supply");
  }
  uint64_t droplets = coins * coin::k_droplets_per_coin;
  uint64_t scale = coin::k_droplets_per_coin;
  for (char c : fraction) {
    scale /= 10;
    droplets += static_cast<uint64_t>(c - '0') * scale;
  }
  if (droplets > coin::k_max_droplet_supply) return bad_amount(text, "more than the 100000000 SKY supply");
  return droplets;
}

std::string format_coins(uint64_t droplets) {
  std::string out = std::to_string(droplets / coin::k_droplets_per_coin);
  uint64_t fraction = droplets % coin::k_droplets_per_coin;
  if (fraction == 0) return out;
  std::string digits = std::to_string(fraction);
  digits.insert(0, coin::k_droplet_exponent - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

}  // namespace skymesh::wallet
