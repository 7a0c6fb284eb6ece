#include "reply_cache.hpp"

#include <stdexcept>

#include <sodium.h>

namespace skymesh::bus::detail {
namespace {

constexpr size_t k_initial_entries = 64;

// A 64-bit finalizer (MurmurHash3's): every input bit moves every output bit.
uint64_t mix(uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdull;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ull;
  value ^= value >> 33;
  return value;
}

}  // namespace

ReplyCache::ReplyCache()
    : ring_(k_initial_entries),
      ring_mask_(k_initial_entries - 1),
      index_(2 * k_initial_entries),
      index_mask_(2 * k_initial_entries - 1) {
  // Constructed before the node's own sodium_init(); the call is cheap and may be repeated.
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(&seed_, sizeof seed_);
}

uint32_t ReplyCache::hash(const RequestKey& key) const {
  // Requests come in runs from one sender: its part of the hash is remembered.
  if (key.sender_high != sender_high_ || key.sender_low != sender_low_ || !sender_valid_) {
    sender_high_ = key.sender_high;
    sender_low_ = key.sender_low;
    sender_mixed_ = mix(key.sender_high ^ mix(key.sender_low + seed_));
    sender_valid_ = true;
  }
  return static_cast<uint32_t>(mix(key.request_id ^ sender_mixed_) >> 32);
}

ReplyCache::Entry* ReplyCache::find(const RequestKey& key) {
  return find(key, hash(key));
}

ReplyCache::Entry* ReplyCache::find(const RequestKey& key, uint32_t tag) {
  for (uint64_t slot = tag & index_mask_;; slot = (slot + 1) & index_mask_) {
    const Slot& probe = index_[slot];
    if (probe.ring_slot_plus_one == 0) return nullptr;
    if (probe.hash == tag) {
      Entry& entry = ring_[probe.ring_slot_plus_one - 1];
      if (entry.key == key) return &entry;
    }
  }
}

std::pair<ReplyCache::Entry*, bool> ReplyCache::find_or_add(const RequestKey& key, Clock::time_point expires) {
  const uint32_t tag = hash(key);
  if (Entry* found = find(key, tag)) return {found, false};
  if (size() == ring_.size()) resize(ring_.size() * 2);
  const auto ring_slot = static_cast<uint32_t>(tail_ & ring_mask_);
  ++tail_;
  Entry& entry = ring_[ring_slot];
  entry.key = key;
  entry.tag = tag;
  entry.expires = expires;
  index(ring_slot);
  return {&entry, true};
}

void ReplyCache::index(uint32_t ring_slot) {
  const uint32_t tag = ring_[ring_slot].tag;
  uint64_t slot = tag & index_mask_;
  while (index_[slot].ring_slot_plus_one != 0) slot = (slot + 1) & index_mask_;
  index_[slot] = Slot{ring_slot + 1, tag};
}

size_t ReplyCache::index_slot_of(uint32_t ring_slot) const {
  for (uint64_t slot = ring_[ring_slot].tag & index_mask_;; slot = (slot + 1) & index_mask_) {
    if (index_[slot].ring_slot_plus_one == ring_slot + 1) return slot;
  }
}

void ReplyCache::erase_index_slot(size_t slot) {
  // Backward-shift deletion: later entries of the same probe run move up, so no tombstones are needed.
  size_t hole = slot;
  for (size_t next = (hole + 1) & index_mask_; index_[next].ring_slot_plus_one != 0; next = (next + 1) & index_mask_) {
    const size_t home = index_[next].hash & index_mask_;
    // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
    const bool stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
    if (stays) continue;
    index_[hole] = index_[next];
    hole = next;
  }
  index_[hole] = Slot{};
}

void ReplyCache::drop_oldest() {
  const auto ring_slot = static_cast<uint32_t>(head_ & ring_mask_);
  Entry& entry = ring_[ring_slot];
  erase_index_slot(index_slot_of(ring_slot));
  if (entry.answer) answer_bytes_ -= entry.answer->bytes();
  entry = Entry{};
  ++head_;
  // After a burst, give the room back (a quarter full at most once halved).
  if (ring_.size() > k_initial_entries && size() * 8 < ring_.size()) resize(ring_.size() / 2);
}

void ReplyCache::keep_answer(Entry& entry, EncodedEnvelope answer) {
  if (entry.answer) answer_bytes_ -= entry.answer->bytes();
  answer_bytes_ += answer.bytes();
  entry.answer.emplace(std::move(answer));
  entry.answered = true;
}

void ReplyCache::reset(Entry& entry) {
  if (entry.answer) answer_bytes_ -= entry.answer->bytes();
  entry.answer.reset();
  entry.answered = false;
  entry.cancelled.reset();
}

void ReplyCache::resize(size_t capacity) {
  std::vector<Entry> ring(capacity);
  for (uint64_t number = head_; number != tail_; ++number) {
    ring[number & (capacity - 1)] = std::move(ring_[number & ring_mask_]);
  }
  ring_ = std::move(ring);
  ring_mask_ = capacity - 1;
  index_.assign(2 * capacity, Slot{});
  index_mask_ = 2 * capacity - 1;
  for (uint64_t number = head_; number != tail_; ++number) index(static_cast<uint32_t>(number & ring_mask_));
}

}  // namespace skymesh::bus::detail
