// The reply cache of a serving node: one entry per request seen from a named sender, by (sender node id, request
// id), kept from the request's arrival until the sender acknowledges it (doneBelow), its window passes, or the
// cache's byte budget needs the room. An entry holds the request's cancel flag while it runs and a copy of its
// answer afterwards, so a retried request is answered again instead of run twice.
//
// Entries live in a ring in arrival order (expiry takes them from the oldest end) and are found through an
// open-addressing index of ring slots, with a hash seeded per process so that no sender can choose request ids
// that collide. Lookups touch the index and one entry; nothing is allocated per request once the ring has grown
// to the number of requests in flight.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "wire.hpp"

namespace skymesh::bus {

// A request seen from a caller, by (sender node id, request id).
struct RequestKey {
  uint64_t sender_high = 0, sender_low = 0, request_id = 0;
  bool operator==(const RequestKey&) const = default;
};

namespace detail {

class ReplyCache {
 public:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    RequestKey key;
    uint32_t tag = 0;  // its hash: the index slot it belongs in is tag & the index's mask
    Clock::time_point expires;
    std::shared_ptr<bool> cancelled;        // while the request runs: set by a cancel from its caller
    std::optional<EncodedEnvelope> answer;  // the answer as sent; empty while running (or not kept)
    bool answered = false;
  };

  ReplyCache();

  // The entry of `key`, or nullptr. Valid until the next add or drop.
  Entry* find(const RequestKey& key);
  // An entry's arrival number: it names the entry, without a lookup, for as long as the entry is kept.
  uint64_t number_of(const Entry& entry) const {
    const auto slot = static_cast<uint64_t>(&entry - ring_.data());
    return head_ + ((slot - head_) & ring_mask_);
  }
  // The entry of `key` that arrived as `number`, or nullptr if it is gone (dropped, or the cache reset).
  Entry* at(uint64_t number, const RequestKey& key) {
    if (number < head_ || number >= tail_) return nullptr;
    Entry& entry = ring_[number & ring_mask_];
    return entry.key == key ? &entry : nullptr;
  }
  // The entry of `key`, made (newest, expiring at `expires`) if there was none; true if it was made.
  std::pair<Entry*, bool> find_or_add(const RequestKey& key, Clock::time_point expires);

  bool empty() const { return head_ == tail_; }
  size_t size() const { return static_cast<size_t>(tail_ - head_); }
  Entry& oldest() { return ring_[head_ & ring_mask_]; }
  void drop_oldest();

  // The bytes of the answers kept (for the cache's budget).
  size_t answer_bytes() const { return answer_bytes_; }
  // Keeps `answer` in `entry` (replacing what it held) and counts its bytes.
  void keep_answer(Entry& entry, EncodedEnvelope answer);
  // Forgets the answer and state of `entry`: it runs again.
  void reset(Entry& entry);

 private:
  struct Slot {
    uint32_t ring_slot_plus_one = 0;  // 0: empty
    uint32_t hash = 0;                // the entry's tag
  };
  uint32_t hash(const RequestKey& key) const;
  Entry* find(const RequestKey& key, uint32_t tag);
  // Adds the entry at `ring_slot` to the index.
  void index(uint32_t ring_slot);
  // The index slot of the entry at `ring_slot` (which must be indexed).
  size_t index_slot_of(uint32_t ring_slot) const;
  void erase_index_slot(size_t slot);
  // Moves the entries to a ring of `capacity` (a power of two, at least size()) and indexes them anew.
  void resize(size_t capacity);

  std::vector<Entry> ring_;  // entries [head_, tail_) by arrival number, at number & ring_mask_
  uint64_t ring_mask_ = 0;
  uint64_t head_ = 0, tail_ = 0;
  std::vector<Slot> index_;  // linear probing; at most half full
  uint64_t index_mask_ = 0;
  uint64_t seed_ = 0;
  mutable uint64_t sender_high_ = 0, sender_low_ = 0, sender_mixed_ = 0;  // the last sender's part of the hash
  mutable bool sender_valid_ = false;
  size_t answer_bytes_ = 0;
};

}  // namespace detail
}  // namespace skymesh::bus
