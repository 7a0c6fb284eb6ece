#include "stats.hpp"

#include <bit>

namespace skymesh::bus::detail {

void MethodStats::record(std::chrono::nanoseconds latency, bool error) {
  const uint64_t us = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count());
  size_t bucket = us == 0 ? 0 : static_cast<size_t>(std::bit_width(us) - 1);
  if (bucket >= k_buckets) bucket = k_buckets - 1;
  ++buckets_[bucket];
  ++calls_;
  if (error) ++errors_;
  if (us > max_us_) max_us_ = us;
}

uint64_t MethodStats::quantile_us(double fraction) const {
  if (calls_ == 0) return 0;
  const uint64_t wanted = static_cast<uint64_t>(fraction * static_cast<double>(calls_) + 0.5);
  uint64_t seen = 0;
  for (size_t i = 0; i < k_buckets; ++i) {
    seen += buckets_[i];
    if (seen >= wanted && seen > 0) return (uint64_t{1} << (i + 1)) - 1;
  }
  return max_us_;
}

}  // namespace skymesh::bus::detail
