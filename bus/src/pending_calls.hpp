// The calls a node has in flight, by request id, and their deadlines. Request ids are handed out in increasing
// order and calls mostly end in that order, so a call is found through a ring indexed by (id - oldest id) and
// lives in a reused slot: inserting, finding and ending a call allocate nothing once warm (no tree node per
// call). Deadlines are a binary heap whose entries for calls that already ended are skipped when they surface.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

namespace skymesh::bus::detail {

template <typename Call>
class PendingCalls {
 public:
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  // The smallest id still pending. Precondition: !empty().
  uint64_t oldest() const { return first_; }

  // The call with this id, or nullptr.
  Call* find(uint64_t id) {
    if (id < first_ || id - first_ >= ring_.size()) return nullptr;
    const uint32_t slot = ring_[id - first_];
    return slot == 0 ? nullptr : &slots_[slot - 1];
  }

  // Adds a call under an id not pending now.
  Call& insert(uint64_t id, Call&& call) {
    uint32_t slot;
    if (free_.empty()) {
      slots_.emplace_back();
      slot = static_cast<uint32_t>(slots_.size());
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    slots_[slot - 1] = std::move(call);
    if (ring_.empty()) {
      first_ = id;
      ring_.push_back(slot);
    } else if (id < first_) {  // a call that waited for a free slot before it was sent
      ring_.insert(ring_.begin(), static_cast<size_t>(first_ - id), 0);
      first_ = id;
      ring_.front() = slot;
    } else {
      const uint64_t offset = id - first_;
      if (offset >= ring_.size()) ring_.resize(static_cast<size_t>(offset) + 1, 0);
      ring_[offset] = slot;
    }
    ++count_;
    return slots_[slot - 1];
  }

  // Moves the call out and forgets its id. Precondition: find(id) != nullptr.
  Call take(uint64_t id) {
    uint32_t& entry = ring_[id - first_];
    const uint32_t slot = entry;
    entry = 0;
    Call call = std::move(slots_[slot - 1]);
    slots_[slot - 1] = Call{};
    free_.push_back(slot);
    --count_;
    while (!ring_.empty() && ring_.front() == 0) {
      ring_.pop_front();
      ++first_;
    }
    return call;
  }

  // Every pending id, oldest first.
  std::vector<uint64_t> ids() const {
    std::vector<uint64_t> all;
    all.reserve(count_);
    for (size_t i = 0; i < ring_.size(); ++i) {
      if (ring_[i] != 0) all.push_back(first_ + i);
    }
    return all;
  }

 private:
  std::deque<uint32_t> ring_;  // per id from first_: its slot + 1, or 0 (no call)
  uint64_t first_ = 0;
  std::deque<Call> slots_;  // stable addresses; ended calls' slots are reused
  std::vector<uint32_t> free_;
  size_t count_ = 0;
};

// Deadlines of pending calls, earliest first. Entries of calls that ended stay until they surface (the owner
// checks that the call is still pending with that deadline) or until compact() drops them.
class DeadlineHeap {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Entry {
    TimePoint deadline;
    uint64_t id;
  };

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  const Entry& top() const { return heap_.front(); }
  void push(TimePoint deadline, uint64_t id) {
    heap_.push_back(Entry{deadline, id});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }
  void pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
  // Keeps only the entries `live` accepts (calls still pending with that deadline).
  void compact(const std::function<bool(const Entry&)>& live) {
    std::erase_if(heap_, [&live](const Entry& entry) { return !live(entry); });
    std::make_heap(heap_.begin(), heap_.end(), later);
  }

 private:
  static bool later(const Entry& a, const Entry& b) { return a.deadline > b.deadline; }
  std::vector<Entry> heap_;
};

}  // namespace skymesh::bus::detail
