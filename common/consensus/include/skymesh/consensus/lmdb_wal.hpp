// The write-ahead log on disk: one LMDB environment in a directory of its own, one record per key
// (height, sequence) big-endian, every append one write transaction committed with LMDB's default fsync.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/consensus/wal.hpp"

namespace skymesh::consensus {

class LmdbWal : public Wal {
 public:
  // Creates the directory and the environment if missing; throws std::runtime_error when LMDB cannot open.
  LmdbWal(const cipher::Secp256k1& ctx, const std::filesystem::path& directory);
  ~LmdbWal() override;
  LmdbWal(const LmdbWal&) = delete;
  LmdbWal& operator=(const LmdbWal&) = delete;

  void append(std::span<const WalRecord> records) override;
  std::vector<WalRecord> read(uint64_t height) override;
  void prune_below(uint64_t height) override;

 private:
  struct Env;
  const cipher::Secp256k1& ctx_;
  std::unique_ptr<Env> env_;
  uint64_t next_seq_ = 0;
};

}  // namespace skymesh::consensus
