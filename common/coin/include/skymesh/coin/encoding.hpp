// Skycoin's binary encoding (its cipher/encoder package): little-endian fixed-width integers, one-byte bools
// (0 or 1), IEEE floats by their bits, slices, strings and maps prefixed by a u32 count, fixed arrays unprefixed,
// struct fields in declaration order. Encoder appends; Decoder reads and remembers the first fault (truncated,
// invalid_bool, count_too_large), after which every read yields zero values, so a decode function can read a
// whole struct and check once.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/coin/error.hpp"

namespace skymesh::coin {

using cipher::Bytes;
using cipher::ByteView;

// Skycoin's maxlen for the slices of transactions and blocks.
inline constexpr uint32_t k_max_slice_length = 65535;

class Encoder {
 public:
  Encoder() = default;
  explicit Encoder(std::size_t reserve) { out_.reserve(reserve); }

  void u8(uint8_t v) { out_.push_back(v); }
  void u16(uint16_t v) { le(v, 2); }
  void u32(uint32_t v) { le(v, 4); }
  void u64(uint64_t v) { le(v, 8); }
  void i8(int8_t v) { u8(static_cast<uint8_t>(v)); }
  void i16(int16_t v) { u16(static_cast<uint16_t>(v)); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void f32(float v) { u32(std::bit_cast<uint32_t>(v)); }
  void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
  // A fixed array: the bytes, no prefix.
  void raw(ByteView bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  // A []byte or string: u32 count then the bytes.
  void bytes(ByteView bytes);
  void string(std::string_view text) { bytes(cipher::as_bytes(text)); }
  // The u32 count of a slice or map whose elements the caller writes next.
  void count(std::size_t n) { u32(static_cast<uint32_t>(n)); }

  const Bytes& data() const& noexcept { return out_; }
  Bytes take() && noexcept { return std::move(out_); }
  std::size_t size() const noexcept { return out_.size(); }

 private:
  void le(uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

class Decoder {
 public:
  explicit Decoder(ByteView in) : in_(in) {}
  // The decoder only views its input: a temporary would be gone before the first read.
  explicit Decoder(Bytes&&) = delete;

  uint8_t u8() { return static_cast<uint8_t>(le(1, "u8")); }
  uint16_t u16() { return static_cast<uint16_t>(le(2, "u16")); }
  uint32_t u32() { return static_cast<uint32_t>(le(4, "u32")); }
  uint64_t u64() { return le(8, "u64"); }
  int8_t i8() { return static_cast<int8_t>(u8()); }
  int16_t i16() { return static_cast<int16_t>(u16()); }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  bool boolean();
  float f32() { return std::bit_cast<float>(u32()); }
  double f64() { return std::bit_cast<double>(u64()); }
  // Copies the next out.size() bytes (a fixed array); zero-fills on fault.
  void raw(std::span<uint8_t> out, std::string_view what);
  // A u32 count, refused above max_count (count_too_large) or when even max_count elements of min_element_size
  // bytes could not fit in what is left (truncated) — so a huge count never reserves memory.
  uint32_t count(uint32_t max_count, std::size_t min_element_size, std::string_view what);
  Bytes bytes(uint32_t max_count, std::string_view what);
  std::string string(uint32_t max_count, std::string_view what);

  // Records fault (if none yet) and returns false; used by decode functions for their own checks.
  bool fail(CoinError code, std::string message);
  bool ok() const noexcept { return !fault_.has_value(); }
  const std::optional<CoinFault>& fault() const noexcept { return fault_; }
  std::size_t offset() const noexcept { return pos_; }
  std::size_t remaining() const noexcept { return ok() ? in_.size() - pos_ : 0; }
  // ok() and nothing left; otherwise the fault (trailing_bytes when bytes remain).
  Check finish();

 private:
  uint64_t le(int width, std::string_view what);
  bool need(std::size_t n, std::string_view what);

  ByteView in_;
  std::size_t pos_ = 0;
  std::optional<CoinFault> fault_;
};

// Decodes exactly one T from bytes with read(Decoder&, T&): the value, or the first fault, or trailing_bytes.
template <typename T, typename Read>
Result<T> decode_exact(ByteView bytes, Read read) {
  Decoder in(bytes);
  T value{};
  read(in, value);
  if (Check done = in.finish(); !done) return done.fault();
  return value;
}

}  // namespace skymesh::coin
