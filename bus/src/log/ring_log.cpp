// The in-memory topic log: a deque of the newest entries, bounded by count and by payload bytes.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "skymesh/bus/status.hpp"
#include "skymesh/bus/topic_log.hpp"

namespace skymesh::bus {
namespace {

class RingLog final : public TopicLog {
 public:
  RingLog(size_t max_entries, size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

  Result<uint64_t> append(std::string_view bytes) override {
    const uint64_t seq = last_seq_ + 1;
    entries_.push_back(LogEntry{seq, std::string(bytes)});
    bytes_ += bytes.size();
    last_seq_ = seq;
    // The newest entry stays even when it alone breaks a bound: a subscriber must always see the latest.
    while (entries_.size() > 1 && (entries_.size() > max_entries_ || bytes_ > max_bytes_)) {
      bytes_ -= entries_.front().bytes.size();
      entries_.pop_front();
    }
    return seq;
  }

  Result<std::vector<LogEntry>> read(uint64_t since, size_t max_entries, size_t max_bytes) const override {
    if (since == 0) since = 1;
    if (since < first_seq()) {
      return Status(ErrorCode::out_of_range, "entries before seq " + std::to_string(first_seq()) +
                                                 " are gone (asked since " + std::to_string(since) + ")");
    }
    std::vector<LogEntry> out;
    if (since > last_seq_) return out;
    size_t collected = 0;
    // Gap-free numbering makes the entry for `since` sit at a known offset from the front.
    for (size_t i = since - first_seq(); i < entries_.size() && out.size() < max_entries; ++i) {
      const LogEntry& entry = entries_[i];
      if (!out.empty() && entry.bytes.size() > max_bytes - collected) break;
      collected += entry.bytes.size();
      out.push_back(entry);
      if (collected >= max_bytes) break;
    }
    return out;
  }

  uint64_t first_seq() const override { return entries_.empty() ? last_seq_ + 1 : entries_.front().seq; }
  uint64_t last_seq() const override { return last_seq_; }

 private:
  size_t max_entries_;
  size_t max_bytes_;
  std::deque<LogEntry> entries_;
  size_t bytes_ = 0;  // payload bytes held in entries_
  uint64_t last_seq_ = 0;
};

}  // namespace

std::unique_ptr<TopicLog> make_ring_log(size_t max_entries, size_t max_bytes) {
  return std::make_unique<RingLog>(max_entries, max_bytes);
}

}  // namespace skymesh::bus
