// The write-ahead log a node signs through: every proposal and vote it signs and every lock it takes is appended
// and made durable before the message leaves, so a restarted node re-sends what it signed instead of signing
// something else for the same (height, round, kind), and keeps its lock. Failures to write are broken plumbing
// and throw; the machine never signs past a failed append.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "skymesh/consensus/messages.hpp"

namespace skymesh::consensus {

// The node locked `block` (hash block_hash) in `round` of `height`: it precommitted it.
struct Lock {
  uint64_t height = 0;
  int32_t round = -1;
  Bytes block;
  friend bool operator==(const Lock&, const Lock&) = default;
};

using WalRecord = std::variant<Proposal, Vote, Lock>;

uint64_t record_height(const WalRecord& record);
// One byte of kind (1 proposal, 2 vote, 3 lock) then the value. Decoding refuses malformed bytes.
Bytes encode_wal_record(const WalRecord& record);
Result<WalRecord> decode_wal_record(const cipher::Secp256k1& ctx, ByteView bytes);

class Wal {
 public:
  virtual ~Wal() = default;
  // Appends the records in order and returns only once they are durable.
  virtual void append(std::span<const WalRecord> records) = 0;
  // Every record of `height`, in the order appended.
  virtual std::vector<WalRecord> read(uint64_t height) = 0;
  // Forgets the records of heights below `height`.
  virtual void prune_below(uint64_t height) = 0;
};

// For the simulator and tests: it lives outside the machine, so it survives a simulated crash.
class MemoryWal : public Wal {
 public:
  void append(std::span<const WalRecord> records) override;
  std::vector<WalRecord> read(uint64_t height) override;
  void prune_below(uint64_t height) override;
  std::size_t size() const noexcept { return records_.size(); }

 private:
  std::vector<WalRecord> records_;
};

}  // namespace skymesh::consensus
