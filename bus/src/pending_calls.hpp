// The calls a node has in flight, by request id, and their deadlines. Request ids are handed out in increasing
// order and calls mostly end in that order, so a call is found through a ring indexed by (id - oldest id) and
// lives in a reused slot: inserting, finding and ending a call allocate nothing once warm (no tree node per
// call), and a call is filled and finished in its slot (never moved). Deadlines are a binary heap whose entries
// for calls that already ended are skipped when they surface.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
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

  // Adds a default-constructed call under an id not pending now, for the caller to fill in place.
  Call& emplace(uint64_t id) {
    uint32_t slot;
    if (free_.empty()) {
      slots_.emplace_back();
      slot = static_cast<uint32_t>(slots_.size());
    } else {
      slot = free_.back();  // reset by release(): a default-constructed call
      free_.pop_back();
    }
    if (ring_.empty()) {
      first_ = id;
      ring_.push_back(slot);
    } else if (id < first_) {  // a call that waited for a free slot before it was sent
      ring_.insert(ring_.begin(), static_cast<size_t>(first_ - id), 0);
      first_ = id;
      ring_.front() = slot;
    } else if (const uint64_t offset = id - first_; offset == ring_.size()) {
      ring_.push_back(slot);  // the usual case: the next id
    } else {
      if (offset > ring_.size()) ring_.resize(static_cast<size_t>(offset) + 1, 0);
      ring_[offset] = slot;
    }
    ++count_;
    return slots_[slot - 1];
  }

  // A call detached from its id: no longer found by it (a call added meanwhile, even under the same id, gets
  // another slot), but it stays in its slot until the Detached is destroyed, which resets and frees the slot.
  class Detached {
   public:
    Detached(PendingCalls& owner, uint32_t slot) : owner_(owner), slot_(slot) {}
    Detached(const Detached&) = delete;
    Detached& operator=(const Detached&) = delete;
    ~Detached() { owner_.release(slot_); }
    Call& operator*() const { return owner_.slots_[slot_ - 1]; }
    Call* operator->() const { return &owner_.slots_[slot_ - 1]; }

   private:
    PendingCalls& owner_;
    uint32_t slot_;
  };

  // Forgets the id of a pending call and hands the call over where it lies. Precondition: find(id) != nullptr.
  Detached detach(uint64_t id) {
    uint32_t& entry = ring_[id - first_];
    const uint32_t slot = entry;
    entry = 0;
    --count_;
    while (!ring_.empty() && ring_.front() == 0) {
      ring_.pop_front();
      ++first_;
    }
    return Detached(*this, slot);
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
  void release(uint32_t slot) {
    slots_[slot - 1] = Call{};
    free_.push_back(slot);
  }

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
  template <typename Live>
  void compact(const Live& live) {
    std::erase_if(heap_, [&live](const Entry& entry) { return !live(entry); });
    std::make_heap(heap_.begin(), heap_.end(), later);
  }

 private:
  static bool later(const Entry& a, const Entry& b) { return a.deadline > b.deadline; }
  std::vector<Entry> heap_;
};

}  // namespace skymesh::bus::detail
