// LmdbWal: liblmdb used directly (the pattern of services/chain/lmdb_env.hpp, kept private to this file).
#include "skymesh/consensus/lmdb_wal.hpp"

#include <lmdb.h>

#include <array>
#include <stdexcept>
#include <string>
#include <utility>

namespace skymesh::consensus {

namespace {

void check_mdb(int rc, std::string_view what) {
  if (rc != MDB_SUCCESS) throw std::runtime_error("consensus wal: " + std::string(what) + ": " + mdb_strerror(rc));
}

MDB_val mdb_val(ByteView bytes) {
  return MDB_val{bytes.size(), const_cast<uint8_t*>(bytes.data())};
}

using Key = std::array<uint8_t, 16>;

Key make_key(uint64_t height, uint64_t seq) {
  Key key{};
  for (int i = 0; i < 8; ++i) {
    key[i] = static_cast<uint8_t>(height >> (8 * (7 - i)));
    key[8 + i] = static_cast<uint8_t>(seq >> (8 * (7 - i)));
  }
  return key;
}

uint64_t read_be(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

class Txn {
 public:
  Txn(MDB_env* env, bool write) { check_mdb(mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &txn_), "begin"); }
  ~Txn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;
  void commit() { check_mdb(mdb_txn_commit(std::exchange(txn_, nullptr)), "commit"); }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
};

class Cursor {
 public:
  Cursor(MDB_txn* txn, MDB_dbi dbi) { check_mdb(mdb_cursor_open(txn, dbi, &cursor_), "cursor"); }
  ~Cursor() { mdb_cursor_close(cursor_); }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  MDB_cursor* get() const { return cursor_; }

 private:
  MDB_cursor* cursor_ = nullptr;
};

}  // namespace

struct LmdbWal::Env {
  MDB_env* env = nullptr;
  MDB_dbi dbi = 0;
  ~Env() {
    if (env != nullptr) mdb_env_close(env);
  }
};

LmdbWal::LmdbWal(const cipher::Secp256k1& ctx, const std::filesystem::path& directory)
    : ctx_(ctx), env_(std::make_unique<Env>()) {
  std::filesystem::create_directories(directory);
  check_mdb(mdb_env_create(&env_->env), "env_create");
  check_mdb(mdb_env_set_mapsize(env_->env, std::size_t{256} << 20), "set_mapsize");
  check_mdb(mdb_env_open(env_->env, directory.c_str(), 0, 0644), "env_open " + directory.string());
  Txn txn(env_->env, true);
  check_mdb(mdb_dbi_open(txn.get(), nullptr, 0, &env_->dbi), "dbi_open");
  {
    // A write transaction frees its cursors when it commits: close this one first.
    Cursor cursor(txn.get(), env_->dbi);
    MDB_val key{}, value{};
    const int rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_LAST);
    if (rc == MDB_SUCCESS && key.mv_size == 16) {
      next_seq_ = read_be(static_cast<const uint8_t*>(key.mv_data) + 8) + 1;
    } else if (rc != MDB_NOTFOUND) {
      check_mdb(rc, "cursor last");
    }
  }
  txn.commit();
}

LmdbWal::~LmdbWal() = default;

void LmdbWal::append(std::span<const WalRecord> records) {
  Txn txn(env_->env, true);
  for (const WalRecord& record : records) {
    const Key key = make_key(record_height(record), next_seq_++);
    const Bytes value = encode_wal_record(record);
    MDB_val k = mdb_val(key), v = mdb_val(value);
    check_mdb(mdb_put(txn.get(), env_->dbi, &k, &v, 0), "put");
  }
  txn.commit();  // without MDB_NOSYNC the commit returns after fsync
}

std::vector<WalRecord> LmdbWal::read(uint64_t height) {
  std::vector<WalRecord> out;
  Txn txn(env_->env, false);
  Cursor cursor(txn.get(), env_->dbi);
  const Key first = make_key(height, 0);
  MDB_val key = mdb_val(first), value{};
  int rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_SET_RANGE);
  for (; rc == MDB_SUCCESS; rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_NEXT)) {
    if (key.mv_size != 16 || read_be(static_cast<const uint8_t*>(key.mv_data)) != height) break;
    auto record = decode_wal_record(ctx_, ByteView(static_cast<const uint8_t*>(value.mv_data), value.mv_size));
    if (!record) throw std::runtime_error("consensus wal: unreadable record: " + record.fault().to_string());
    out.push_back(std::move(record).value());
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) check_mdb(rc, "cursor next");
  return out;
}

void LmdbWal::prune_below(uint64_t height) {
  Txn txn(env_->env, true);
  {
    Cursor cursor(txn.get(), env_->dbi);
    MDB_val key{}, value{};
    int rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_FIRST);
    while (rc == MDB_SUCCESS && key.mv_size == 16 && read_be(static_cast<const uint8_t*>(key.mv_data)) < height) {
      check_mdb(mdb_cursor_del(cursor.get(), 0), "cursor del");
      rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_NEXT);
    }
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) check_mdb(rc, "cursor next");
  }
  txn.commit();
}

}  // namespace skymesh::consensus
