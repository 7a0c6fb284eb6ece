// RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996), written from the specification because libsodium has
// none. Two parallel lines of 80 steps over each 64-byte block; words and the bit length are little-endian.
// Checked against the published test vectors in tests/crypto/hash_test.cpp.
#include <algorithm>
#include <array>
#include <cstring>

#include <sodium.h>

#include "skymesh/cipher/hash.hpp"

namespace skymesh::cipher {

namespace {

// Message word used at each step, left and right line.
constexpr std::array<uint8_t, 80> k_word_left = {0, 1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15,  //
                                                 7, 4,  13, 1,  10, 6,  15, 3,  12, 0, 9,  5,  2,  14, 11, 8,   //
                                                 3, 10, 14, 4,  9,  15, 8,  1,  2,  7, 0,  6,  13, 11, 5,  12,  //
                                                 1, 9,  11, 10, 0,  8,  12, 4,  13, 3, 7,  15, 14, 5,  6,  2,   //
                                                 4, 0,  5,  9,  7,  12, 2,  10, 14, 1, 3,  8,  11, 6,  15, 13};
constexpr std::array<uint8_t, 80> k_word_right = {5,  14, 7,  0, 9, 2,  11, 4,  13, 6,  15, 8,  1,  10, 3,  12,  //
                                                  6,  11, 3,  7, 0, 13, 5,  10, 14, 15, 8,  12, 4,  9,  1,  2,   //
                                                  15, 5,  1,  3, 7, 14, 6,  9,  11, 8,  12, 2,  10, 0,  4,  13,  //
                                                  8,  6,  4,  1, 3, 11, 15, 0,  5,  12, 2,  13, 9,  7,  10, 14,  //
                                                  12, 15, 10, 4, 1, 5,  8,  7,  6,  2,  13, 14, 0,  3,  9,  11};

// Left-rotation amounts at each step.
constexpr std::array<uint8_t, 80> k_shift_left = {11, 14, 15, 12, 5,  8,  7,  9,  11, 13, 14, 15, 6,  7,  9,  8,   //
                                                  7,  6,  8,  13, 11, 9,  7,  15, 7,  12, 15, 9,  11, 7,  13, 12,  //
                                                  11, 13, 6,  7,  14, 9,  13, 15, 14, 8,  13, 6,  5,  12, 7,  5,   //
                                                  11, 12, 14, 15, 14, 15, 9,  8,  9,  14, 5,  6,  8,  6,  5,  12,  //
                                                  9,  15, 5,  11, 6,  8,  13, 12, 5,  12, 13, 14, 11, 8,  5,  6};
constexpr std::array<uint8_t, 80> k_shift_right = {8,  9,  9,  11, 13, 15, 15, 5,  7,  7,  8,  11, 14, 14, 12, 6,   //
                                                   9,  13, 15, 7,  12, 8,  9,  11, 7,  7,  12, 7,  6,  15, 13, 11,  //
                                                   9,  7,  15, 11, 8,  6,  6,  14, 12, 13, 5,  14, 13, 13, 7,  5,   //
                                                   15, 5,  8,  11, 14, 14, 6,  14, 6,  9,  12, 9,  12, 5,  15, 8,   //
                                                   8,  5,  12, 9,  12, 5,  14, 6,  8,  13, 6,  5,  15, 13, 11, 11};

// Round constants, one per group of 16 steps.
constexpr std::array<uint32_t, 5> k_const_left = {0x00000000, 0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xA953FD4E};
constexpr std::array<uint32_t, 5> k_const_right = {0x50A28BE6, 0x5C4DD124, 0x6D703EF3, 0x7A6D76E9, 0x00000000};

constexpr uint32_t rotl(uint32_t x, unsigned n) {
  return (x << n) | (x >> (32 - n));
}

// The five boolean functions; the right line uses them in reverse order.
constexpr uint32_t boolean_fn(unsigned round, uint32_t x, uint32_t y, uint32_t z) {
  switch (round) {
    case 0:
      return x ^ y ^ z;
    case 1:
      return (x & y) | (~x & z);
    case 2:
      return (x | ~y) ^ z;
    case 3:
      return (x & z) | (y & ~z);
    default:
      return x ^ (y | ~z);
  }
}

class Ripemd160State {
 public:
  ~Ripemd160State() {
    sodium_memzero(h_.data(), sizeof h_);
    sodium_memzero(block_.data(), block_.size());
  }

  void update(const uint8_t* data, std::size_t size) {
    total_ += size;
    while (size > 0) {
      std::size_t take = std::min(size, block_.size() - filled_);
      std::memcpy(block_.data() + filled_, data, take);
      filled_ += take;
      data += take;
      size -= take;
      if (filled_ == block_.size()) {
        compress(block_.data());
        filled_ = 0;
      }
    }
  }

  Ripemd160 finish() {
    uint64_t bits = total_ * 8;
    const uint8_t pad_start = 0x80;
    update(&pad_start, 1);
    const uint8_t zero = 0;
    while (filled_ != 56) update(&zero, 1);
    std::array<uint8_t, 8> length{};
    for (unsigned i = 0; i < 8; ++i) length[i] = static_cast<uint8_t>(bits >> (8 * i));
    update(length.data(), length.size());
    Ripemd160 out;
    for (unsigned i = 0; i < 5; ++i) {
      for (unsigned j = 0; j < 4; ++j) out.data()[4 * i + j] = static_cast<uint8_t>(h_[i] >> (8 * j));
    }
    return out;
  }

 private:
  void compress(const uint8_t* block) {
    std::array<uint32_t, 16> x{};
    for (unsigned i = 0; i < 16; ++i) {
      x[i] = static_cast<uint32_t>(block[4 * i]) | static_cast<uint32_t>(block[4 * i + 1]) << 8 |
             static_cast<uint32_t>(block[4 * i + 2]) << 16 | static_cast<uint32_t>(block[4 * i + 3]) << 24;
    }
    uint32_t al = h_[0], bl = h_[1], cl = h_[2], dl = h_[3], el = h_[4];
    uint32_t ar = al, br = bl, cr = cl, dr = dl, er = el;
    for (unsigned j = 0; j < 80; ++j) {
      unsigned round = j / 16;
      uint32_t t =
          rotl(al + boolean_fn(round, bl, cl, dl) + x[k_word_left[j]] + k_const_left[round], k_shift_left[j]) + el;
      al = el;
      el = dl;
      dl = rotl(cl, 10);
      cl = bl;
      bl = t;
      t = rotl(ar + boolean_fn(4 - round, br, cr, dr) + x[k_word_right[j]] + k_const_right[round], k_shift_right[j]) +
          er;
      ar = er;
      er = dr;
      dr = rotl(cr, 10);
      cr = br;
      br = t;
    }
    uint32_t t = h_[1] + cl + dr;
    h_[1] = h_[2] + dl + er;
    h_[2] = h_[3] + el + ar;
    h_[3] = h_[4] + al + br;
    h_[4] = h_[0] + bl + cr;
    h_[0] = t;
    sodium_memzero(x.data(), sizeof x);
  }

  std::array<uint32_t, 5> h_ = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::array<uint8_t, 64> block_{};
  std::size_t filled_ = 0;
  uint64_t total_ = 0;
};

}  // namespace

Ripemd160 ripemd160(ByteView data) {
  Ripemd160State state;
  state.update(data.data(), data.size());
  return state.finish();
}

}  // namespace skymesh::cipher
