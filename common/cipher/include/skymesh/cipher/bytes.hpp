// Byte containers shared by the cipher library: views, hex text, fixed-size values (digests, signatures,
// 20-byte key hashes) and a buffer for secret material that is wiped when it dies.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "skymesh/cipher/error.hpp"

namespace skymesh::cipher {

using ByteView = std::span<const uint8_t>;
using Bytes = std::vector<uint8_t>;

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// Lower-case hex. Decoding accepts either case (as Go's hex.DecodeString) and refuses odd lengths.
std::string to_hex(ByteView bytes);
Outcome<Bytes> try_from_hex(std::string_view hex);
Bytes from_hex(std::string_view hex);

// A plain N-byte value; Tag keeps digests, key hashes and signatures apart as types.
template <std::size_t N, typename Tag>
class FixedBytes {
 public:
  static constexpr std::size_t k_size = N;

  constexpr FixedBytes() = default;  // all zero: the "null" value
  constexpr explicit FixedBytes(const std::array<uint8_t, N>& bytes) : bytes_(bytes) {}

  static Outcome<FixedBytes> try_from_bytes(ByteView bytes) {
    if (bytes.size() != N) {
      return Fault{CipherError::invalid_length,
                   "expected " + std::to_string(N) + " bytes, got " + std::to_string(bytes.size())};
    }
    FixedBytes out;
    for (std::size_t i = 0; i < N; ++i) out.bytes_[i] = bytes[i];
    return out;
  }
  static FixedBytes from_bytes(ByteView bytes) { return try_from_bytes(bytes).value(); }
  static Outcome<FixedBytes> try_from_hex(std::string_view hex) {
    auto bytes = cipher::try_from_hex(hex);
    if (!bytes) return bytes.fault();
    return try_from_bytes(bytes.value());
  }
  static FixedBytes from_hex(std::string_view hex) { return try_from_hex(hex).value(); }

  const std::array<uint8_t, N>& bytes() const noexcept { return bytes_; }
  std::array<uint8_t, N>& bytes() noexcept { return bytes_; }
  const uint8_t* data() const noexcept { return bytes_.data(); }
  uint8_t* data() noexcept { return bytes_.data(); }
  static constexpr std::size_t size() noexcept { return N; }
  ByteView view() const noexcept { return ByteView(bytes_); }
  std::string hex() const { return to_hex(view()); }
  bool is_null() const noexcept {
    for (uint8_t b : bytes_) {
      if (b != 0) return false;
    }
    return true;
  }

  friend bool operator==(const FixedBytes&, const FixedBytes&) = default;
  friend auto operator<=>(const FixedBytes&, const FixedBytes&) = default;

 private:
  std::array<uint8_t, N> bytes_{};
};

// Secret bytes of any length (seeds, chain codes in flight). Move-only so copies are deliberate (clone());
// the buffer is wiped with sodium_memzero when the object dies.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(ByteView bytes);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  SecretBytes clone() const { return SecretBytes(view()); }
  ByteView view() const noexcept { return ByteView(bytes_); }
  const uint8_t* data() const noexcept { return bytes_.data(); }
  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }
  // Constant-time comparison (sodium_memcmp); different lengths compare unequal.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b);

 private:
  void wipe() noexcept;
  std::vector<uint8_t> bytes_;
};

}  // namespace skymesh::cipher
