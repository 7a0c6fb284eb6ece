// Hex text and the wiped secret buffer.
#include "skymesh/cipher/bytes.hpp"

#include <sodium.h>

namespace skymesh::cipher {

namespace {

constexpr char k_hex_digits[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(k_hex_digits[b >> 4]);
    out.push_back(k_hex_digits[b & 0x0f]);
  }
  return out;
}

Outcome<Bytes> try_from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return Fault{CipherError::invalid_hex, "odd number of hex digits"};
  Bytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(hex[2 * i]);
    int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      std::size_t offset = hi < 0 ? 2 * i : 2 * i + 1;
      return Fault{CipherError::invalid_hex, "non-hex character at offset " + std::to_string(offset)};
    }
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

Bytes from_hex(std::string_view hex) {
  return try_from_hex(hex).value();
}

SecretBytes::SecretBytes(ByteView bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes::~SecretBytes() {
  wipe();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

void SecretBytes::wipe() noexcept {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
}

bool operator==(const SecretBytes& a, const SecretBytes& b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace skymesh::cipher
