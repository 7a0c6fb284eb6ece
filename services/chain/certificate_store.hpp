// Commit certificates of blocks decided by consensus (a chain started with --consensus), by block seq, in an LMDB
// environment of their own (`DIR/chain-certificates`). chain.commit writes the certificate before the block, so
// every stored consensus block has one; a certificate above the head is a leftover of a crash between the two
// writes and is overwritten when that seq is committed. The bytes are opaque here (the consensus serverlet's
// encoding). Not thread-safe: one owner (the reactor thread). LMDB failures throw StoreError.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "skymesh/cipher/bytes.hpp"

namespace skymesh::chain {

class CertificateStore {
 public:
  // Creates the folder and the environment when missing.
  static std::unique_ptr<CertificateStore> open(const std::filesystem::path& dir);
  ~CertificateStore();
  CertificateStore(const CertificateStore&) = delete;
  CertificateStore& operator=(const CertificateStore&) = delete;

  // Durable (synced) when it returns.
  void put(uint64_t seq, cipher::ByteView certificate);
  std::optional<cipher::Bytes> get(uint64_t seq) const;

 private:
  CertificateStore() = default;
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

}  // namespace skymesh::chain
