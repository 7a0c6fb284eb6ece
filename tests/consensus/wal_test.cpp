// The write-ahead log: record encoding, the in-memory and LMDB logs, and a restarted machine that finds in its
// WAL what it signed and its lock, so it never signs a second, different vote for one (height, round, kind).
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>

#include "machine_driver.hpp"
#include "skymesh/consensus/lmdb_wal.hpp"

using namespace skymesh;
using namespace skymesh::consensus;
using namespace skymesh::consensus::test;

namespace {

// A fresh directory under the system's temporary folder, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("skymesh-consensus-wal-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::vector<WalRecord> sample_records(const Driver& d) {
  return {d.vote(VoteKind::prevote, 3, 0, BlockHash{}, 1), d.proposal(3, 1, TestApp::block(3, "x")),
          Lock{3, 1, TestApp::block(3, "x")}, d.vote(VoteKind::precommit, 4, 0, cipher::sha256(Bytes{1}), 1)};
}

}  // namespace

TEST_CASE("every kind of WAL record decodes to what was encoded, and garbage is refused") {
  Driver d(4);
  for (const WalRecord& r : sample_records(d)) {
    auto back = decode_wal_record(context(), encode_wal_record(r));
    REQUIRE(back);
    CHECK(back.value() == r);
  }
  CHECK_FALSE(decode_wal_record(context(), Bytes{9, 0, 0, 0, 0}));
  CHECK_FALSE(decode_wal_record(context(), Bytes{}));
  Bytes cut = encode_wal_record(sample_records(d)[1]);
  cut.pop_back();
  CHECK_FALSE(decode_wal_record(context(), cut));
}

TEST_CASE("the memory WAL returns a height's records in order and prunes lower heights") {
  Driver d(4);
  MemoryWal wal;
  const auto records = sample_records(d);
  wal.append(records);
  CHECK(wal.read(3) == std::vector<WalRecord>(records.begin(), records.begin() + 3));
  CHECK(wal.read(4).size() == 1);
  wal.prune_below(4);
  CHECK(wal.read(3).empty());
  CHECK(wal.read(4).size() == 1);
}

TEST_CASE("the LMDB WAL keeps its records across a reopen and continues their order") {
  Driver d(4);
  TempDir dir;
  const auto records = sample_records(d);
  {
    LmdbWal wal(context(), dir.path);
    wal.append(std::span(records).first(2));
  }
  {
    LmdbWal wal(context(), dir.path);
    wal.append(std::span(records).subspan(2));
    CHECK(wal.read(3) == std::vector<WalRecord>(records.begin(), records.begin() + 3));
  }
  LmdbWal wal(context(), dir.path);
  CHECK(wal.read(3) == std::vector<WalRecord>(records.begin(), records.begin() + 3));
  CHECK(wal.read(4) == std::vector<WalRecord>{records[3]});
  CHECK(wal.read(5).empty());
  wal.prune_below(4);
  CHECK(wal.read(3).empty());
  CHECK(wal.read(4).size() == 1);
}

TEST_CASE("a machine restarted on its LMDB WAL re-sends its prevote instead of signing another") {
  Driver d(4);
  TempDir dir;
  TestApp app;
  const std::size_t me = d.not_proposer(1, 0);
  const Proposal first = d.proposal(1, 0, TestApp::block(1, "first"));
  // The proposer equivocates: a second block for the same round reaches the node after its restart.
  const Proposal second = d.proposal(1, 0, TestApp::block(1, "second"));
  Vote before = d.vote(VoteKind::prevote, 1, 0, BlockHash{}, me);
  {
    LmdbWal wal(context(), dir.path);
    auto m = d.machine(me, app, wal);
    (void)m->start(1);
    auto votes = sent_votes(m->on_proposal(first));
    REQUIRE(votes.size() == 1);
    before = votes[0];
    CHECK(before.block_hash == first.block_hash);
  }
  LmdbWal wal(context(), dir.path);
  auto restarted = d.machine(me, app, wal);
  Actions after = restarted->start(1);
  append(after, restarted->on_proposal(second));
  append(after, restarted->on_timeout(Timeout{1, 0, TimeoutKind::propose}));
  for (const Vote& v : sent_votes(after)) {
    if (v.kind == VoteKind::prevote && v.round == 0) CHECK(v == before);
  }
  CHECK_FALSE(sent_votes(after).empty());

  // Without its WAL the same node would have signed a conflicting prevote: the check above can fail.
  MemoryWal blank;
  auto amnesiac = d.machine(me, app, blank);
  (void)amnesiac->start(1);
  auto fresh = sent_votes(amnesiac->on_proposal(second));
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0].block_hash != before.block_hash);
}

TEST_CASE("a machine restarted on its LMDB WAL keeps its lock and prevotes nil for another block") {
  Driver d(4);
  TempDir dir;
  TestApp app;
  const std::size_t me = d.not_proposer(1, 1);  // proposes neither round 0 nor round 1
  REQUIRE(me != d.trust().proposer_index(1, 0));
  const Proposal locked = d.proposal(1, 0, TestApp::block(1, "locked"));
  {
    LmdbWal wal(context(), dir.path);
    auto m = d.machine(me, app, wal);
    (void)m->start(1);
    (void)m->on_proposal(locked);
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < 4; ++i) {
      if (i != me) others.push_back(i);
    }
    auto actions = d.votes(*m, VoteKind::prevote, 1, 0, locked.block_hash, others);
    REQUIRE(m->locked_round() == 0);
    REQUIRE(sent_votes(actions).at(0).kind == VoteKind::precommit);
  }
  LmdbWal wal(context(), dir.path);
  auto restarted = d.machine(me, app, wal);
  (void)restarted->start(1);
  CHECK(restarted->locked_round() == 0);
  CHECK(restarted->locked_block() == locked.block_hash);
  // Round 1 brings a new block with no proof of lock: a locked node prevotes nil.
  (void)restarted->on_timeout(Timeout{1, 0, TimeoutKind::precommit});
  REQUIRE(restarted->round() == 1);
  const Proposal other = d.proposal(1, 1, TestApp::block(1, "other"));
  auto votes = sent_votes(restarted->on_proposal(other));
  REQUIRE(votes.size() == 1);
  CHECK(votes[0].is_nil());

  // The same node without its WAL would prevote the new block.
  MemoryWal blank;
  auto amnesiac = d.machine(me, app, blank);
  (void)amnesiac->start(1);
  (void)amnesiac->on_timeout(Timeout{1, 0, TimeoutKind::precommit});
  auto fresh = sent_votes(amnesiac->on_proposal(other));
  REQUIRE(fresh.size() == 1);
  CHECK(fresh[0].block_hash == other.block_hash);
}
