// Small RAII wrappers over liblmdb for the chain store: an environment, a transaction aborted unless committed,
// and a cursor. LMDB failures are StoreError exceptions: broken plumbing (disk full, map full, I/O), never bad
// input, which the bus answers with the code `storage`.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "skymesh/bus/status.hpp"
#include "skymesh/cipher/bytes.hpp"

namespace skymesh::chain {

// A bus::StatusError with the code `storage`: a handler that meets one answers `storage` with its message.
class StoreError : public bus::StatusError {
 public:
  explicit StoreError(const std::string& what) : bus::StatusError(bus::Status(bus::ErrorCode::storage, what)) {}
};

// Throws StoreError naming `what` unless rc is MDB_SUCCESS.
void check_mdb(int rc, std::string_view what);

// LMDB never writes through an input MDB_val; its C API just lacks const.
inline MDB_val mdb_val(cipher::ByteView bytes) {
  return MDB_val{bytes.size(), const_cast<uint8_t*>(bytes.data())};
}
inline MDB_val mdb_val(std::string_view text) {
  return MDB_val{text.size(), const_cast<char*>(text.data())};
}
inline cipher::ByteView bytes_of(const MDB_val& val) {
  return {static_cast<const uint8_t*>(val.mv_data), val.mv_size};
}

class MdbTxn {
 public:
  MdbTxn(MDB_env* env, bool write) {
    check_mdb(mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &txn_), "mdb_txn_begin");
  }
  ~MdbTxn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  MdbTxn(const MdbTxn&) = delete;
  MdbTxn& operator=(const MdbTxn&) = delete;

  // The handle is gone after commit whether or not it succeeded.
  void commit() { check_mdb(mdb_txn_commit(std::exchange(txn_, nullptr)), "mdb_txn_commit"); }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
};

class MdbCursor {
 public:
  MdbCursor(MDB_txn* txn, MDB_dbi dbi) { check_mdb(mdb_cursor_open(txn, dbi, &cursor_), "mdb_cursor_open"); }
  ~MdbCursor() { mdb_cursor_close(cursor_); }
  MdbCursor(const MdbCursor&) = delete;
  MdbCursor& operator=(const MdbCursor&) = delete;
  MDB_cursor* get() const { return cursor_; }

 private:
  MDB_cursor* cursor_ = nullptr;
};

// 8 bytes big-endian, so LMDB's byte order is numeric order.
using SeqKey = std::array<uint8_t, 8>;
SeqKey seq_key(uint64_t seq);
uint64_t read_seq(cipher::ByteView bytes);  // throws StoreError unless 8 bytes

}  // namespace skymesh::chain
