// WAL record encoding and the in-memory WAL.
#include "skymesh/consensus/wal.hpp"

#include <algorithm>

namespace skymesh::consensus {

namespace {
enum class RecordKind : uint8_t { proposal = 1, vote = 2, lock = 3 };
}

uint64_t record_height(const WalRecord& record) {
  return std::visit([](const auto& value) { return value.height; }, record);
}

Bytes encode_wal_record(const WalRecord& record) {
  coin::Encoder out;
  if (const auto* p = std::get_if<Proposal>(&record)) {
    out.u8(static_cast<uint8_t>(RecordKind::proposal));
    out.bytes(encode(*p));
  } else if (const auto* v = std::get_if<Vote>(&record)) {
    out.u8(static_cast<uint8_t>(RecordKind::vote));
    out.bytes(encode(*v));
  } else {
    const auto& lock = std::get<Lock>(record);
    out.u8(static_cast<uint8_t>(RecordKind::lock));
    out.u64(lock.height);
    out.i32(lock.round);
    out.bytes(lock.block);
  }
  return std::move(out).take();
}

Result<WalRecord> decode_wal_record(const cipher::Secp256k1& ctx, ByteView bytes) {
  coin::Decoder in(bytes);
  const uint8_t kind = in.u8();
  if (kind == static_cast<uint8_t>(RecordKind::lock)) {
    Lock lock;
    lock.height = in.u64();
    lock.round = in.i32();
    lock.block = in.bytes(k_max_block_bytes, "locked block");
    if (coin::Check done = in.finish(); !done) {
      return ConsensusFault{ConsensusError::malformed, "wal lock: " + done.fault().to_string()};
    }
    return WalRecord(std::move(lock));
  }
  const Bytes body = in.bytes(k_max_block_bytes + 1024, "wal record");
  if (coin::Check done = in.finish(); !done) {
    return ConsensusFault{ConsensusError::malformed, "wal record: " + done.fault().to_string()};
  }
  if (kind == static_cast<uint8_t>(RecordKind::proposal)) {
    auto p = decode_proposal(ctx, body);
    if (!p) return p.fault();
    return WalRecord(std::move(p).value());
  }
  if (kind == static_cast<uint8_t>(RecordKind::vote)) {
    auto v = decode_vote(ctx, body);
    if (!v) return v.fault();
    return WalRecord(std::move(v).value());
  }
  return ConsensusFault{ConsensusError::unknown_message, "wal record kind " + std::to_string(kind)};
}

void MemoryWal::append(std::span<const WalRecord> records) {
  records_.insert(records_.end(), records.begin(), records.end());
}

std::vector<WalRecord> MemoryWal::read(uint64_t height) {
  std::vector<WalRecord> out;
  for (const WalRecord& r : records_) {
    if (record_height(r) == height) out.push_back(r);
  }
  return out;
}

void MemoryWal::prune_below(uint64_t height) {
  std::erase_if(records_, [height](const WalRecord& r) { return record_height(r) < height; });
}

}  // namespace skymesh::consensus
