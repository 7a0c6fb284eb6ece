// The durable topic log: one LMDB environment per topic in `dir/<topic>`, holding two named databases.
//   entries: key = seq as 8 bytes big-endian (so LMDB's byte order is numeric order), value = payload.
//   meta:    "last_seq" -> 8 bytes big-endian; written in the same transaction as each entry, so last_seq
//            survives retention and restarts even when the entries that carried it are gone.
// A flock on a lock file in the topic folder refuses a second open, in this process or another (LMDB forbids
// two handles on one environment in a process: closing one would drop the other's fcntl locks). flock belongs
// to the open file description, so it conflicts even between two opens by the same process; no global registry.
#include <fcntl.h>
#include <lmdb.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "skymesh/bus/status.hpp"
#include "skymesh/bus/topic_log.hpp"

namespace skymesh::bus {
namespace {

// LMDB reserves address space, not disk: the file grows only as entries are written.
constexpr size_t k_map_size = size_t{1} << 30;
constexpr std::string_view k_lock_file_name = "skymesh.lock";
constexpr std::string_view k_data_file_name = "data.mdb";  // LMDB's name inside the environment folder
constexpr const char* k_entries_db = "entries";
constexpr const char* k_meta_db = "meta";
constexpr std::string_view k_last_seq_key = "last_seq";

using SeqKey = std::array<unsigned char, 8>;

SeqKey encode_seq(uint64_t seq) {
  SeqKey key{};
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(seq >> (8 * (7 - i)));
  return key;
}

std::optional<uint64_t> decode_seq(const MDB_val& val) {
  if (val.mv_size != sizeof(SeqKey)) return std::nullopt;
  const auto* bytes = static_cast<const unsigned char*>(val.mv_data);
  uint64_t seq = 0;
  for (size_t i = 0; i < sizeof(SeqKey); ++i) seq = (seq << 8) | bytes[i];
  return seq;
}

MDB_val to_val(SeqKey& key) {
  return MDB_val{key.size(), key.data()};
}
// LMDB never writes through an input MDB_val; its C API just lacks const.
MDB_val to_val(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

bool valid_topic_name(std::string_view topic) {
  if (topic.empty() || topic == "." || topic == "..") return false;
  for (char c : topic) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A file descriptor that holds an exclusive flock for as long as it lives.
class LockFile {
 public:
  LockFile() = default;
  ~LockFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  Status acquire(const std::filesystem::path& path, std::string_view topic) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      const int err = errno;
      return Status(ErrorCode::storage,
                    "cannot open lock file for topic '" + std::string(topic) + "': " + std::strerror(err));
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        return Status(ErrorCode::failed_precondition, "durable log for topic '" + std::string(topic) +
                                                          "' is already open (by this or another process)");
      }
      return Status(ErrorCode::storage,
                    "cannot lock durable log for topic '" + std::string(topic) + "': " + std::strerror(err));
    }
    return Status();
  }

 private:
  int fd_ = -1;
};

// An MDB_env; must be closed even when mdb_env_open failed.
class Env {
 public:
  Env() = default;
  ~Env() {
    if (env_ != nullptr) mdb_env_close(env_);
  }
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  int create() { return mdb_env_create(&env_); }
  MDB_env* get() const { return env_; }

 private:
  MDB_env* env_ = nullptr;
};

// A transaction aborted on destruction unless committed. Cursors opened in it must be closed first.
class Txn {
 public:
  Txn() = default;
  ~Txn() {
    if (txn_ != nullptr) mdb_txn_abort(txn_);
  }
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  int begin(MDB_env* env, unsigned flags) { return mdb_txn_begin(env, nullptr, flags, &txn_); }
  // The handle is gone after commit whether or not it succeeded.
  int commit() { return mdb_txn_commit(std::exchange(txn_, nullptr)); }
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
};

class Cursor {
 public:
  Cursor() = default;
  ~Cursor() {
    if (cursor_ != nullptr) mdb_cursor_close(cursor_);
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  int open(MDB_txn* txn, MDB_dbi dbi) { return mdb_cursor_open(txn, dbi, &cursor_); }
  int get(MDB_val* key, MDB_val* val, MDB_cursor_op op) const { return mdb_cursor_get(cursor_, key, val, op); }
  int del() { return mdb_cursor_del(cursor_, 0); }

 private:
  MDB_cursor* cursor_ = nullptr;
};

class DurableLog final : public TopicLog {
 public:
  DurableLog(std::filesystem::path folder, std::string topic, size_t max_entries)
      : folder_(std::move(folder)), topic_(std::move(topic)), max_entries_(max_entries) {}

  Status open() {
    std::error_code ec;
    std::filesystem::create_directories(folder_, ec);
    if (ec) return Status(ErrorCode::storage, "cannot create folder for topic '" + topic_ + "': " + ec.message());
    if (Status s = lock_.acquire(folder_ / k_lock_file_name, topic_); !s.ok()) return s;

    if (int rc = env_.create(); rc != 0) return lmdb_error("mdb_env_create", rc);
    if (int rc = mdb_env_set_maxdbs(env_.get(), 2); rc != 0) return lmdb_error("mdb_env_set_maxdbs", rc);
    if (int rc = mdb_env_set_mapsize(env_.get(), k_map_size); rc != 0) return lmdb_error("mdb_env_set_mapsize", rc);
    const std::filesystem::path data_file = folder_ / k_data_file_name;
    const bool fresh = !std::filesystem::exists(data_file, ec);
    if (ec) return Status(ErrorCode::storage, "cannot stat data file of topic '" + topic_ + "': " + ec.message());
    // LMDB would silently start a new log over an empty data file, restarting seq at 1. A fresh environment's
    // meta pages are synced below, so an empty file can only mean it was truncated.
    if (!fresh && std::filesystem::file_size(data_file, ec) == 0 && !ec) {
      return corrupt("data file is empty (truncated?); delete the topic folder only if it never held entries");
    }
    if (int rc = mdb_env_open(env_.get(), folder_.c_str(), 0, 0644); rc != 0) return lmdb_error("mdb_env_open", rc);
    if (fresh) {
      if (int rc = mdb_env_sync(env_.get(), 1); rc != 0) return lmdb_error("mdb_env_sync", rc);
      if (Status s = sync_folder(); !s.ok()) return s;
    }
    // Must precede any transaction: touching a page past the end of a truncated file is SIGBUS, not an error.
    if (Status s = check_file_size(); !s.ok()) return s;
    return load_state();
  }

  Result<uint64_t> append(std::string_view bytes) override {
    const uint64_t seq = last_seq_ + 1;
    uint64_t first = first_seq_;
    Txn txn;
    if (int rc = txn.begin(env_.get(), 0); rc != 0) return lmdb_error("mdb_txn_begin", rc);
    SeqKey key = encode_seq(seq);
    MDB_val key_val = to_val(key);
    MDB_val data_val = to_val(bytes);
    if (int rc = mdb_put(txn.get(), entries_, &key_val, &data_val, MDB_APPEND); rc != 0) {
      return lmdb_error("mdb_put entry", rc);
    }
    MDB_val meta_key = to_val(k_last_seq_key);
    MDB_val meta_val = to_val(key);
    if (int rc = mdb_put(txn.get(), meta_, &meta_key, &meta_val, 0); rc != 0) return lmdb_error("mdb_put meta", rc);
    if (max_entries_ > 0 && seq - first + 1 > max_entries_) {
      first = seq - max_entries_ + 1;
      if (Status s = delete_before(txn.get(), first); !s.ok()) return s;
    }
    if (int rc = txn.commit(); rc != 0) return lmdb_error("mdb_txn_commit", rc);
    last_seq_ = seq;
    first_seq_ = first;
    return seq;
  }

  Result<std::vector<LogEntry>> read(uint64_t since, size_t max_entries, size_t max_bytes) const override {
    if (since == 0) since = 1;
    if (since < first_seq_) {
      return Status(ErrorCode::out_of_range, "topic '" + topic_ + "' has no entries before seq " +
                                                 std::to_string(first_seq_) + " (asked since " + std::to_string(since) +
                                                 ")");
    }
    std::vector<LogEntry> out;
    if (since > last_seq_ || max_entries == 0) return out;

    Txn txn;
    if (int rc = txn.begin(env_.get(), MDB_RDONLY); rc != 0) return lmdb_error("mdb_txn_begin", rc);
    Cursor cursor;
    if (int rc = cursor.open(txn.get(), entries_); rc != 0) return lmdb_error("mdb_cursor_open", rc);
    SeqKey start = encode_seq(since);
    MDB_val key = to_val(start);
    MDB_val data{};
    size_t collected = 0;
    for (int rc = cursor.get(&key, &data, MDB_SET_RANGE); rc != MDB_NOTFOUND; rc = cursor.get(&key, &data, MDB_NEXT)) {
      if (rc != 0) return lmdb_error("mdb_cursor_get", rc);
      const std::optional<uint64_t> seq = decode_seq(key);
      if (!seq) return corrupt("an entry key is not 8 bytes");
      if (!out.empty() && data.mv_size > max_bytes - collected) break;
      collected += data.mv_size;
      out.push_back(LogEntry{*seq, std::string(static_cast<const char*>(data.mv_data), data.mv_size)});
      if (out.size() >= max_entries || collected >= max_bytes) break;
    }
    return out;
  }

  uint64_t first_seq() const override { return first_seq_; }
  uint64_t last_seq() const override { return last_seq_; }

 private:
  Status lmdb_error(std::string_view what, int rc) const {
    std::string message = std::string(what) + " failed for topic '" + topic_ + "': " + mdb_strerror(rc);
    if (rc == MDB_MAP_FULL) message += " (the topic's log reached its 1 GiB map size; lower its retention)";
    return Status(ErrorCode::storage, std::move(message));
  }

  Status corrupt(std::string_view what) const {
    return Status(ErrorCode::storage, "durable log for topic '" + topic_ + "' is corrupt: " + std::string(what));
  }

  // Makes the new data file's directory entry durable, so a power cut cannot leave synced pages unreachable.
  Status sync_folder() const {
    int err = 0;
    const int fd = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      err = errno;
    } else {
      if (::fsync(fd) != 0) err = errno;
      ::close(fd);
    }
    if (err != 0) {
      return Status(ErrorCode::storage, "cannot sync folder of topic '" + topic_ + "': " + std::strerror(err));
    }
    return Status();
  }

  // LMDB's meta page names the last page in use; a data file shorter than that was truncated.
  Status check_file_size() const {
    MDB_envinfo info{};
    if (int rc = mdb_env_info(env_.get(), &info); rc != 0) return lmdb_error("mdb_env_info", rc);
    MDB_stat stat{};
    if (int rc = mdb_env_stat(env_.get(), &stat); rc != 0) return lmdb_error("mdb_env_stat", rc);
    mdb_filehandle_t fd = -1;
    if (int rc = mdb_env_get_fd(env_.get(), &fd); rc != 0) return lmdb_error("mdb_env_get_fd", rc);
    struct stat file_stat {};
    if (::fstat(fd, &file_stat) != 0) {
      const int err = errno;
      return Status(ErrorCode::storage, "cannot stat data file of topic '" + topic_ + "': " + std::strerror(err));
    }
    const auto needed = (static_cast<uint64_t>(info.me_last_pgno) + 1) * stat.ms_psize;
    if (static_cast<uint64_t>(file_stat.st_size) < needed) {
      return corrupt("data file is " + std::to_string(file_stat.st_size) + " bytes but its pages need " +
                     std::to_string(needed) + " (truncated?)");
    }
    return Status();
  }

  // Opens both databases and reads last_seq and first_seq; the write transaction creates them on first use.
  Status load_state() {
    Txn txn;
    if (int rc = txn.begin(env_.get(), 0); rc != 0) return lmdb_error("mdb_txn_begin", rc);
    if (int rc = mdb_dbi_open(txn.get(), k_entries_db, MDB_CREATE, &entries_); rc != 0) {
      return lmdb_error("mdb_dbi_open entries", rc);
    }
    if (int rc = mdb_dbi_open(txn.get(), k_meta_db, MDB_CREATE, &meta_); rc != 0) {
      return lmdb_error("mdb_dbi_open meta", rc);
    }

    uint64_t last = 0;
    MDB_val meta_key = to_val(k_last_seq_key);
    MDB_val meta_val{};
    if (int rc = mdb_get(txn.get(), meta_, &meta_key, &meta_val); rc == 0) {
      const std::optional<uint64_t> seq = decode_seq(meta_val);
      if (!seq) return corrupt("last_seq record is not 8 bytes");
      last = *seq;
    } else if (rc != MDB_NOTFOUND) {
      return lmdb_error("mdb_get last_seq", rc);
    }

    std::optional<uint64_t> first_entry;
    std::optional<uint64_t> last_entry;
    {
      Cursor cursor;
      if (int rc = cursor.open(txn.get(), entries_); rc != 0) return lmdb_error("mdb_cursor_open", rc);
      MDB_val key{};
      MDB_val data{};
      if (int rc = cursor.get(&key, &data, MDB_FIRST); rc == 0) {
        first_entry = decode_seq(key);
        if (int last_rc = cursor.get(&key, &data, MDB_LAST); last_rc != 0) return lmdb_error("mdb_cursor_get", last_rc);
        last_entry = decode_seq(key);
        if (!first_entry || !last_entry) return corrupt("an entry key is not 8 bytes");
      } else if (rc != MDB_NOTFOUND) {
        return lmdb_error("mdb_cursor_get", rc);
      }
    }
    if (last_entry && *last_entry > last) return corrupt("an entry is newer than the recorded last_seq");
    if (int rc = txn.commit(); rc != 0) return lmdb_error("mdb_txn_commit", rc);

    last_seq_ = last;
    first_seq_ = first_entry ? *first_entry : last + 1;
    return Status();
  }

  // Deletes every entry with seq < first.
  Status delete_before(MDB_txn* txn, uint64_t first) {
    Cursor cursor;
    if (int rc = cursor.open(txn, entries_); rc != 0) return lmdb_error("mdb_cursor_open", rc);
    MDB_val key{};
    MDB_val data{};
    for (;;) {
      int rc = cursor.get(&key, &data, MDB_FIRST);
      if (rc == MDB_NOTFOUND) return Status();
      if (rc != 0) return lmdb_error("mdb_cursor_get", rc);
      const std::optional<uint64_t> seq = decode_seq(key);
      if (!seq) return corrupt("an entry key is not 8 bytes");
      if (*seq >= first) return Status();
      if (rc = cursor.del(); rc != 0) return lmdb_error("mdb_cursor_del", rc);
    }
  }

  std::filesystem::path folder_;
  std::string topic_;
  size_t max_entries_;
  // Declared before env_ so the flock outlives the environment.
  LockFile lock_;
  Env env_;
  MDB_dbi entries_ = 0;
  MDB_dbi meta_ = 0;
  uint64_t first_seq_ = 1;
  uint64_t last_seq_ = 0;
};

}  // namespace

Result<std::unique_ptr<TopicLog>> open_durable_log(const std::filesystem::path& dir, std::string_view topic,
                                                   size_t max_entries) {
  if (!valid_topic_name(topic)) {
    return Status(ErrorCode::bad_request,
                  "topic name '" + std::string(topic) + "' must be non-empty [A-Za-z0-9._-] and not '.' or '..'");
  }
  auto log = std::make_unique<DurableLog>(dir / topic, std::string(topic), max_entries);
  if (Status s = log->open(); !s.ok()) return s;
  return std::unique_ptr<TopicLog>(std::move(log));
}

}  // namespace skymesh::bus
