// Logs behind publish/subscribe topics. A topic's log numbers its entries 1, 2, 3, ... with no gaps; a
// subscriber asks for "everything since N, then live" and the bus reads the log from N. Two kinds: a bounded
// in-memory ring (the default; old entries fall off the front) and an LMDB-backed durable log that survives
// restarts (asked for by serverlets whose feeds must replay from the beginning, such as the chain's blocks).
//
// Thread-safety: a TopicLog is used by the one thread that owns the process's sockets; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "skymesh/bus/status.hpp"

namespace skymesh::bus {

struct LogEntry {
  uint64_t seq = 0;
  std::string bytes;  // the published payload, opaque to the log
};

class TopicLog {
 public:
  virtual ~TopicLog() = default;

  // Appends one entry and returns its sequence number: 1 for the first entry ever, then previous + 1.
  // A durable log has the entry on disk (synced) when this returns ok.
  virtual Result<uint64_t> append(std::string_view bytes) = 0;

  // Entries with seq >= since, in order, at most max_entries of them and stopping once max_bytes of payload
  // have been collected (at least one entry is returned if any qualifies). since == 0 means since 1.
  // If since < first_seq() (older entries are gone), returns out_of_range; the caller decides whether to
  // resume at first_seq().
  virtual Result<std::vector<LogEntry>> read(uint64_t since, size_t max_entries, size_t max_bytes = SIZE_MAX) const = 0;

  // Oldest retained seq, or last_seq() + 1 when the log holds nothing.
  virtual uint64_t first_seq() const = 0;
  // Newest seq ever appended (0 if none). Never decreases, not even across restarts of a durable log.
  virtual uint64_t last_seq() const = 0;
};

// In-memory ring keeping at most max_entries entries and max_bytes bytes of payload (the oldest go first;
// the newest entry is always kept).
std::unique_ptr<TopicLog> make_ring_log(size_t max_entries, size_t max_bytes);

// A durable log for `topic` stored in its own LMDB environment under `dir` (the folder `dir/<topic>`, created
// if missing; a topic name may hold only [A-Za-z0-9._-]). Opening the same topic twice in one process is
// refused with failed_precondition (LMDB forbids two handles on one environment). max_entries == 0 keeps everything;
// otherwise the oldest are deleted beyond it. Errors (cannot create dir, corrupt env, map full) come back as
// ErrorCode::storage.
Result<std::unique_ptr<TopicLog>> open_durable_log(const std::filesystem::path& dir, std::string_view topic,
                                                   size_t max_entries = 0);

}  // namespace skymesh::bus
