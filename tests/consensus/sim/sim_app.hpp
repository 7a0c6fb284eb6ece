// The simulator's App: a block is "skymesh-sim" || height u64 || proposer key index u32 || counter u64. A block
// is valid at a height when it has that shape and names that height; faulty nodes may propose others.
#pragma once

#include <cstdint>
#include <string_view>

#include "skymesh/coin/encoding.hpp"
#include "skymesh/consensus/machine.hpp"

namespace skymesh::consensus::sim {

inline constexpr std::string_view k_block_magic = "skymesh-sim";

inline Bytes make_block(uint64_t height, uint32_t proposer, uint64_t counter) {
  coin::Encoder out;
  out.string(k_block_magic);
  out.u64(height);
  out.u32(proposer);
  out.u64(counter);
  return std::move(out).take();
}

inline bool block_is_valid(uint64_t height, ByteView block) {
  coin::Decoder in(block);
  const std::string magic = in.string(64, "magic");
  const uint64_t h = in.u64();
  (void)in.u32();
  (void)in.u64();
  return in.finish().ok() && magic == k_block_magic && h == height;
}

class SimApp : public App {
 public:
  explicit SimApp(uint32_t proposer) : proposer_(proposer) {}
  Bytes propose(uint64_t height) override { return make_block(height, proposer_, counter_++); }
  bool validate(uint64_t height, ByteView block) override { return block_is_valid(height, block); }

 private:
  uint32_t proposer_;
  uint64_t counter_ = 0;
};

}  // namespace skymesh::consensus::sim
