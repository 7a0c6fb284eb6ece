// Base58 (Bitcoin alphabet) by repeated multiply-and-add over a byte buffer; quadratic in the length, which is
// fine for addresses (25 bytes) and extended keys (82 bytes).
#include "skymesh/cipher/base58.hpp"

#include <array>

namespace skymesh::cipher {

namespace {

constexpr char k_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

constexpr std::array<int8_t, 128> make_decode_table() {
  std::array<int8_t, 128> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 58; ++i) table[static_cast<unsigned char>(k_alphabet[i])] = static_cast<int8_t>(i);
  return table;
}

constexpr std::array<int8_t, 128> k_decode = make_decode_table();

}  // namespace

std::string base58_encode(ByteView bytes) {
  std::size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;

  // log(256)/log(58) < 1.38: enough base-58 digits for the rest.
  std::vector<uint8_t> digits((bytes.size() - zeros) * 138 / 100 + 1, 0);
  for (std::size_t i = zeros; i < bytes.size(); ++i) {
    uint32_t carry = bytes[i];
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      carry += static_cast<uint32_t>(*it) << 8;
      *it = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
  }

  std::size_t first = 0;
  while (first < digits.size() && digits[first] == 0) ++first;
  std::string out(zeros, '1');
  out.reserve(zeros + digits.size() - first);
  for (std::size_t i = first; i < digits.size(); ++i) out.push_back(k_alphabet[digits[i]]);
  return out;
}

Outcome<Bytes> try_base58_decode(std::string_view text) {
  if (text.empty()) return Fault{CipherError::invalid_base58, "empty base58 string"};
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;

  // log(58)/log(256) < 0.733: enough bytes for the value.
  Bytes value(text.size() * 733 / 1000 + 1, 0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    int digit = c < k_decode.size() ? k_decode[c] : -1;
    if (digit < 0) {
      return Fault{CipherError::invalid_base58, "invalid base58 character at offset " + std::to_string(i)};
    }
    uint32_t carry = static_cast<uint32_t>(digit);
    for (auto it = value.rbegin(); it != value.rend(); ++it) {
      carry += static_cast<uint32_t>(*it) * 58;
      *it = static_cast<uint8_t>(carry & 0xff);
      carry >>= 8;
    }
  }

  std::size_t first = 0;
  while (first < value.size() && value[first] == 0) ++first;
  Bytes out(ones, 0);
  out.insert(out.end(), value.begin() + static_cast<std::ptrdiff_t>(first), value.end());
  return out;
}

Bytes base58_decode(std::string_view text) {
  return try_base58_decode(text).value();
}

}  // namespace skymesh::cipher
