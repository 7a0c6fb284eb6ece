// Topic logs: the in-memory ring and the LMDB durable log share one behavioural contract (seq numbering and
// reads); each kind also has its own tests (ring eviction; durable reopen, retention, locking, corruption).
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "skymesh/bus/status.hpp"
#include "skymesh/bus/topic_log.hpp"

namespace skymesh::bus {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = fs::temp_directory_path() /
            ("skymesh_topic_log_test_" + std::to_string(random()) + "_" + std::to_string(random()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

enum class LogKind { ring, durable };

std::string kind_name(LogKind kind) {
  return kind == LogKind::ring ? "ring" : "durable";
}

// A log of either kind with no bounds that would get in the way of the shared tests.
std::unique_ptr<TopicLog> make_unbounded_log(LogKind kind, const fs::path& dir) {
  if (kind == LogKind::ring) return make_ring_log(1'000'000, SIZE_MAX);
  auto log = open_durable_log(dir, "test.topic");
  REQUIRE(log.status().to_string() == "ok");
  return std::move(log).value();
}

std::unique_ptr<TopicLog> open_ok(const fs::path& dir, std::string_view topic, size_t max_entries = 0) {
  auto log = open_durable_log(dir, topic, max_entries);
  REQUIRE(log.status().to_string() == "ok");
  return std::move(log).value();
}

uint64_t append_ok(TopicLog& log, std::string_view bytes) {
  auto seq = log.append(bytes);
  REQUIRE(seq.ok());
  return seq.value();
}

std::vector<LogEntry> read_ok(const TopicLog& log, uint64_t since, size_t max_entries = SIZE_MAX,
                              size_t max_bytes = SIZE_MAX) {
  auto entries = log.read(since, max_entries, max_bytes);
  REQUIRE(entries.status().to_string() == "ok");
  return entries.value();
}

std::vector<uint64_t> seqs_of(const std::vector<LogEntry>& entries) {
  std::vector<uint64_t> seqs;
  for (const auto& entry : entries) seqs.push_back(entry.seq);
  return seqs;
}

std::string payload(uint64_t n) {
  return "payload-" + std::to_string(n);
}

// Overwrites `path` from `offset` to its end with bytes that are not LMDB's.
void garble(const fs::path& path, std::streamoff offset) {
  const auto size = static_cast<std::streamoff>(fs::file_size(path));
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(file);
  file.seekp(offset);
  std::mt19937 random(42);
  for (std::streamoff i = offset; i < size; ++i) file.put(static_cast<char>(random()));
  REQUIRE(file.flush());
}

TEST_CASE("An empty log has last_seq 0, first_seq 1 and reads nothing", "[topic_log]") {
  const LogKind kind = GENERATE(LogKind::ring, LogKind::durable);
  INFO("kind: " << kind_name(kind));
  TempDir dir;
  auto log = make_unbounded_log(kind, dir.path());
  CHECK(log->last_seq() == 0);
  CHECK(log->first_seq() == 1);
  CHECK(read_ok(*log, 0).empty());
  CHECK(read_ok(*log, 1).empty());
}

TEST_CASE("Sequence numbers start at 1 and have no gaps", "[topic_log]") {
  const LogKind kind = GENERATE(LogKind::ring, LogKind::durable);
  INFO("kind: " << kind_name(kind));
  TempDir dir;
  auto log = make_unbounded_log(kind, dir.path());
  for (uint64_t n = 1; n <= 20; ++n) {
    CHECK(append_ok(*log, payload(n)) == n);
    CHECK(log->last_seq() == n);
    CHECK(log->first_seq() == 1);
  }
}

TEST_CASE("Reading since N returns entries N through the last, in order, with their payloads", "[topic_log]") {
  const LogKind kind = GENERATE(LogKind::ring, LogKind::durable);
  INFO("kind: " << kind_name(kind));
  TempDir dir;
  auto log = make_unbounded_log(kind, dir.path());
  for (uint64_t n = 1; n <= 10; ++n) append_ok(*log, payload(n));

  const auto entries = read_ok(*log, 4);
  REQUIRE(seqs_of(entries) == std::vector<uint64_t>{4, 5, 6, 7, 8, 9, 10});
  for (const auto& entry : entries) CHECK(entry.bytes == payload(entry.seq));

  CHECK(seqs_of(read_ok(*log, 10)) == std::vector<uint64_t>{10});
  CHECK(read_ok(*log, 11).empty());
  CHECK(read_ok(*log, 1000).empty());
  CHECK(seqs_of(read_ok(*log, 0)) == seqs_of(read_ok(*log, 1)));
  CHECK(read_ok(*log, 0).size() == 10);
}

TEST_CASE("Payloads are opaque bytes, including NUL and empty payloads", "[topic_log]") {
  const LogKind kind = GENERATE(LogKind::ring, LogKind::durable);
  INFO("kind: " << kind_name(kind));
  TempDir dir;
  auto log = make_unbounded_log(kind, dir.path());
  const std::string binary("a\0b\xff\x00", 5);
  append_ok(*log, binary);
  append_ok(*log, "");
  const auto entries = read_ok(*log, 1);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].bytes == binary);
  CHECK(entries[1].bytes.empty());
}

TEST_CASE("A read returns at most max_entries entries", "[topic_log]") {
  const LogKind kind = GENERATE(LogKind::ring, LogKind::durable);
  INFO("kind: " << kind_name(kind));
  TempDir dir;
  auto log = make_unbounded_log(kind, dir.path());
  for (uint64_t n = 1; n <= 10; ++n) append_ok(*log, payload(n));

  CHECK(seqs_of(read_ok(*log, 3, 4)) == std::vector<uint64_t>{3, 4, 5, 6});
  CHECK(seqs_of(read_ok(*log, 9, 4)) == std::vector<uint64_t>{9, 10});
  CHECK(seqs_of(read_ok(*log, 1, 1)) == std::vector<uint64_t>{1});
  CHECK(read_ok(*log, 1, 0).empty());
}

TEST_CASE("A read stops before max_bytes would be exceeded but returns at least one entry", "[topic_log]") {
  const LogKind kind = GENERATE(LogKind::ring, LogKind::durable);
  INFO("kind: " << kind_name(kind));
  TempDir dir;
  auto log = make_unbounded_log(kind, dir.path());
  for (uint64_t n = 1; n <= 5; ++n) append_ok(*log, std::string(10, 'x'));  // 10 bytes each
  append_ok(*log, std::string(100, 'y'));                                   // seq 6, 100 bytes

  CHECK(seqs_of(read_ok(*log, 1, SIZE_MAX, 30)) == std::vector<uint64_t>{1, 2, 3});
  CHECK(seqs_of(read_ok(*log, 1, SIZE_MAX, 35)) == std::vector<uint64_t>{1, 2, 3});
  CHECK(seqs_of(read_ok(*log, 2, SIZE_MAX, 10)) == std::vector<uint64_t>{2});
  CHECK(seqs_of(read_ok(*log, 4, SIZE_MAX, 50)) == std::vector<uint64_t>{4, 5});
  CHECK(seqs_of(read_ok(*log, 6, SIZE_MAX, 50)) == std::vector<uint64_t>{6});
  CHECK(seqs_of(read_ok(*log, 1, SIZE_MAX, 1)) == std::vector<uint64_t>{1});
  CHECK(seqs_of(read_ok(*log, 1, 2, 1000)) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("A ring evicts the oldest entries beyond max_entries and reports out_of_range before them",
          "[topic_log][ring]") {
  auto log = make_ring_log(3, SIZE_MAX);
  for (uint64_t n = 1; n <= 7; ++n) CHECK(append_ok(*log, payload(n)) == n);
  CHECK(log->first_seq() == 5);
  CHECK(log->last_seq() == 7);
  CHECK(seqs_of(read_ok(*log, 5)) == std::vector<uint64_t>{5, 6, 7});

  auto too_old = log->read(4, SIZE_MAX);
  REQUIRE_FALSE(too_old.ok());
  CHECK(too_old.status().code() == ErrorCode::out_of_range);
  CHECK(log->read(0, SIZE_MAX).status().code() == ErrorCode::out_of_range);
  CHECK(log->read(1, SIZE_MAX).status().code() == ErrorCode::out_of_range);
}

TEST_CASE("A ring evicts by max_bytes but always keeps the newest entry, even one larger than max_bytes",
          "[topic_log][ring]") {
  auto log = make_ring_log(100, 25);
  for (uint64_t n = 1; n <= 4; ++n) append_ok(*log, std::string(10, 'x'));
  CHECK(log->first_seq() == 3);  // 2 x 10 bytes fit in 25
  CHECK(seqs_of(read_ok(*log, 3)) == std::vector<uint64_t>{3, 4});

  CHECK(append_ok(*log, std::string(100, 'y')) == 5);
  CHECK(log->first_seq() == 5);
  CHECK(log->last_seq() == 5);
  const auto entries = read_ok(*log, 5);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].bytes.size() == 100);

  CHECK(append_ok(*log, "z") == 6);
  CHECK(log->first_seq() == 6);
}

TEST_CASE("A durable log keeps its entries and last_seq across close and reopen", "[topic_log][durable]") {
  TempDir dir;
  {
    auto log = open_ok(dir.path(), "blocks");
    for (uint64_t n = 1; n <= 5; ++n) append_ok(*log, payload(n));
  }
  {
    auto log = open_ok(dir.path(), "blocks");
    CHECK(log->first_seq() == 1);
    CHECK(log->last_seq() == 5);
    const auto entries = read_ok(*log, 1);
    REQUIRE(seqs_of(entries) == std::vector<uint64_t>{1, 2, 3, 4, 5});
    for (const auto& entry : entries) CHECK(entry.bytes == payload(entry.seq));
    CHECK(append_ok(*log, payload(6)) == 6);
  }
  auto log = open_ok(dir.path(), "blocks");
  CHECK(log->last_seq() == 6);
  CHECK(read_ok(*log, 6).at(0).bytes == payload(6));
}

TEST_CASE("Durable retention trims the oldest entries while last_seq keeps growing across reopen",
          "[topic_log][durable]") {
  TempDir dir;
  {
    auto log = open_ok(dir.path(), "feed", 3);
    for (uint64_t n = 1; n <= 10; ++n) CHECK(append_ok(*log, payload(n)) == n);
    CHECK(log->first_seq() == 8);
    CHECK(log->last_seq() == 10);
    CHECK(seqs_of(read_ok(*log, 8)) == std::vector<uint64_t>{8, 9, 10});
    CHECK(log->read(7, SIZE_MAX).status().code() == ErrorCode::out_of_range);
  }
  {
    auto log = open_ok(dir.path(), "feed", 1);
    CHECK(log->first_seq() == 8);
    CHECK(log->last_seq() == 10);
    CHECK(append_ok(*log, payload(11)) == 11);
    CHECK(log->first_seq() == 11);
    CHECK(log->read(10, SIZE_MAX).status().code() == ErrorCode::out_of_range);
  }
  auto log = open_ok(dir.path(), "feed", 1);
  CHECK(log->first_seq() == 11);
  CHECK(log->last_seq() == 11);
  CHECK(append_ok(*log, payload(12)) == 12);
  CHECK(seqs_of(read_ok(*log, 12)) == std::vector<uint64_t>{12});
  CHECK(read_ok(*log, 12).at(0).bytes == payload(12));
}

TEST_CASE("Opening the same durable topic twice in one process is refused until the first is closed",
          "[topic_log][durable]") {
  TempDir dir;
  auto first = open_ok(dir.path(), "chain");
  append_ok(*first, "a");

  auto second = open_durable_log(dir.path(), "chain");
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == ErrorCode::failed_precondition);
  CHECK_THAT(second.status().message(), Catch::Contains("already open"));

  // The refused open must not disturb the first handle.
  CHECK(append_ok(*first, "b") == 2);
  CHECK(open_ok(dir.path(), "other")->last_seq() == 0);

  first.reset();
  auto reopened = open_ok(dir.path(), "chain");
  CHECK(reopened->last_seq() == 2);
}

TEST_CASE("A durable topic name outside [A-Za-z0-9._-] is refused as a bad request", "[topic_log][durable]") {
  TempDir dir;
  const std::string name =
      GENERATE(as<std::string>{}, "", ".", "..", "a/b", "../escape", "a b", "t\xc3\xbc", std::string("nul\0x", 5));
  INFO("topic: " << name);
  auto log = open_durable_log(dir.path(), name);
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == ErrorCode::bad_request);
  CHECK(fs::is_empty(dir.path()));
}

TEST_CASE("A durable topic folder that cannot be created gives a storage error", "[topic_log][durable]") {
  TempDir dir;
  const fs::path not_a_dir = dir.path() / "plain_file";
  std::ofstream(not_a_dir) << "not a folder";
  auto log = open_durable_log(not_a_dir, "topic");
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == ErrorCode::storage);
}

TEST_CASE("A durable log whose data file is garbled on disk gives a storage error instead of crashing",
          "[topic_log][durable]") {
  TempDir dir;
  {
    auto log = open_ok(dir.path(), "garbled");
    for (uint64_t n = 1; n <= 10; ++n) append_ok(*log, payload(n));
  }
  garble(dir.path() / "garbled" / "data.mdb", 0);
  auto log = open_durable_log(dir.path(), "garbled");
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == ErrorCode::storage);
  CHECK_FALSE(log.status().message().empty());
}

TEST_CASE("A durable log whose data file is truncated gives a storage error instead of crashing",
          "[topic_log][durable]") {
  TempDir dir;
  const fs::path data_file = dir.path() / "truncated" / "data.mdb";
  {
    auto log = open_ok(dir.path(), "truncated");
    for (uint64_t n = 1; n <= 200; ++n) append_ok(*log, std::string(500, 'x'));
  }
  const auto full_size = fs::file_size(data_file);
  // Cut to nothing (LMDB alone would start afresh), inside the meta pages, then past them (meta intact).
  const uintmax_t cut = GENERATE(uintmax_t{0}, uintmax_t{100}, uintmax_t{6000}, uintmax_t{3 * 4096});
  REQUIRE(cut < full_size);
  fs::resize_file(data_file, cut);
  auto log = open_durable_log(dir.path(), "truncated");
  REQUIRE_FALSE(log.ok());
  CHECK(log.status().code() == ErrorCode::storage);
}

}  // namespace
}  // namespace skymesh::bus
