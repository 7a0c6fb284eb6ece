// Skycoin binary encoding: the byte-level reader and writer.
#include "skymesh/coin/encoding.hpp"

#include <algorithm>

namespace skymesh::coin {

void Encoder::bytes(ByteView bytes) {
  count(bytes.size());
  raw(bytes);
}

bool Decoder::fail(CoinError code, std::string message) {
  if (!fault_) fault_ = CoinFault{code, std::move(message) + " (at byte " + std::to_string(pos_) + ")"};
  return false;
}

bool Decoder::need(std::size_t n, std::string_view what) {
  if (!ok()) return false;
  if (in_.size() - pos_ < n) {
    return fail(CoinError::truncated, std::string(what) + " needs " + std::to_string(n) + " bytes, " +
                                          std::to_string(in_.size() - pos_) + " left");
  }
  return true;
}

uint64_t Decoder::le(int width, std::string_view what) {
  if (!need(static_cast<std::size_t>(width), what)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v |= static_cast<uint64_t>(in_[pos_ + i]) << (8 * i);
  pos_ += static_cast<std::size_t>(width);
  return v;
}

bool Decoder::boolean() {
  std::size_t at = pos_;
  uint8_t b = u8();
  if (b > 1) {
    pos_ = at;
    fail(CoinError::invalid_bool, "bool byte is " + std::to_string(b) + ", not 0 or 1");
    return false;
  }
  return b == 1;
}

void Decoder::raw(std::span<uint8_t> out, std::string_view what) {
  if (!need(out.size(), what)) {
    std::fill(out.begin(), out.end(), uint8_t{0});
    return;
  }
  std::copy_n(in_.begin() + static_cast<std::ptrdiff_t>(pos_), out.size(), out.begin());
  pos_ += out.size();
}

uint32_t Decoder::count(uint32_t max_count, std::size_t min_element_size, std::string_view what) {
  uint32_t n = u32();
  if (!ok()) return 0;
  if (n > max_count) {
    fail(CoinError::count_too_large,
         std::string(what) + " count " + std::to_string(n) + " exceeds the maximum " + std::to_string(max_count));
    return 0;
  }
  if (min_element_size > 0 && static_cast<uint64_t>(n) * min_element_size > in_.size() - pos_) {
    fail(CoinError::truncated, std::string(what) + " count " + std::to_string(n) + " needs at least " +
                                   std::to_string(static_cast<uint64_t>(n) * min_element_size) + " bytes, " +
                                   std::to_string(in_.size() - pos_) + " left");
    return 0;
  }
  return n;
}

Bytes Decoder::bytes(uint32_t max_count, std::string_view what) {
  uint32_t n = count(max_count, 1, what);
  Bytes out(n);
  raw(out, what);
  return out;
}

std::string Decoder::string(uint32_t max_count, std::string_view what) {
  Bytes b = bytes(max_count, what);
  return std::string(b.begin(), b.end());
}

Check Decoder::finish() {
  if (fault_) return *fault_;
  if (pos_ != in_.size()) {
    return CoinFault{
        CoinError::trailing_bytes,
        std::to_string(in_.size() - pos_) + " bytes left after the value (at byte " + std::to_string(pos_) + ")"};
  }
  return {};
}

}  // namespace skymesh::coin
