// Latency histograms and per-method counters for sys.stats. Buckets are powers of two of microseconds.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace skymesh::bus::detail {

class MethodStats {
 public:
  static constexpr size_t k_buckets = 32;
  void record(std::chrono::nanoseconds latency, bool error);
  uint64_t calls() const { return calls_; }
  uint64_t errors() const { return errors_; }
  uint64_t max_us() const { return max_us_; }
  // The latency below which `fraction` of calls fell, to the upper edge of its bucket.
  uint64_t quantile_us(double fraction) const;
  const std::array<uint64_t, k_buckets>& buckets() const { return buckets_; }

 private:
  uint64_t calls_ = 0, errors_ = 0, max_us_ = 0;
  std::array<uint64_t, k_buckets> buckets_{};
};

}  // namespace skymesh::bus::detail
