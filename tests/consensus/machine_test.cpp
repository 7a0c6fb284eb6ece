// One Machine driven by hand: proposing, prevoting, locking, committing, timeouts, the round skip, evidence,
// catch-up through certificates, and determinism.
#include <catch2/catch.hpp>

#include "machine_driver.hpp"
#include "skymesh/consensus/certificate.hpp"

using namespace skymesh;
using namespace skymesh::consensus;
using namespace skymesh::consensus::test;

namespace {

std::vector<std::size_t> members_except(std::size_t n, std::size_t me) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i != me) out.push_back(i);
  }
  return out;
}

}  // namespace

TEST_CASE("the proposer of round 0 proposes the app's block and prevotes it at start") {
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  auto m = d.machine(d.trust().proposer_index(1, 0), app, wal);
  Actions a = m->start(1);
  auto proposals = sent_proposals(a);
  REQUIRE(proposals.size() == 1);
  CHECK(proposals[0].height == 1);
  CHECK(proposals[0].valid_round == -1);
  CHECK(app.validate(1, proposals[0].block));
  auto votes = sent_votes(a);
  REQUIRE(votes.size() == 1);
  CHECK(votes[0].kind == VoteKind::prevote);
  CHECK(votes[0].block_hash == proposals[0].block_hash);
  CHECK(wal.size() == 2);  // the proposal and the prevote, both logged
  CHECK(m->step() == Step::prevote);
}

TEST_CASE("a node without a proposal prevotes nil when the propose timeout fires") {
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  auto m = d.machine(d.not_proposer(1, 0), app, wal);
  auto timeouts = actions_of<ScheduleTimeout>(m->start(1));
  bool has_propose = false;
  for (const auto& t : timeouts) has_propose |= t.timeout == Timeout{1, 0, TimeoutKind::propose};
  CHECK(has_propose);
  auto votes = sent_votes(m->on_timeout(Timeout{1, 0, TimeoutKind::propose}));
  REQUIRE(votes.size() == 1);
  CHECK(votes[0].is_nil());
  // A timeout of another round or height changes nothing.
  CHECK(m->on_timeout(Timeout{1, 3, TimeoutKind::prevote}).empty());
}

TEST_CASE("an invalid block is prevoted nil") {
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  auto m = d.machine(d.not_proposer(1, 0), app, wal);
  (void)m->start(1);
  auto votes = sent_votes(m->on_proposal(d.proposal(1, 0, TestApp::block(1, "bad"))));
  REQUIRE(votes.size() == 1);
  CHECK(votes[0].is_nil());
}

TEST_CASE("prevote and precommit quorums lock, precommit and commit with a certificate that checks") {
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  const std::size_t me = d.not_proposer(1, 0);
  auto m = d.machine(me, app, wal);
  (void)m->start(1);
  const Proposal p = d.proposal(1, 0, TestApp::block(1, "ok"));
  (void)m->on_proposal(p);
  const auto others = members_except(4, me);
  // Two other prevotes make three with its own: a quorum.
  auto a = d.votes(*m, VoteKind::prevote, 1, 0, p.block_hash, {others[0], others[1]});
  auto votes = sent_votes(a);
  REQUIRE(votes.size() == 1);
  CHECK(votes[0].kind == VoteKind::precommit);
  CHECK(votes[0].block_hash == p.block_hash);
  CHECK(m->locked_round() == 0);
  CHECK(std::holds_alternative<Lock>(wal.read(1).at(1)));  // the lock is logged before the precommit

  auto commits = actions_of<CommitBlock>(d.votes(*m, VoteKind::precommit, 1, 0, p.block_hash, {others[0]}));
  CHECK(commits.empty());  // two precommits are not a quorum
  commits = actions_of<CommitBlock>(d.votes(*m, VoteKind::precommit, 1, 0, p.block_hash, {others[1]}));
  REQUIRE(commits.size() == 1);
  CHECK(commits[0].height == 1);
  CHECK(commits[0].block == p.block);
  CHECK(check_committed_block(d.checker(), k_chain_id, d.trust(), commits[0].certificate, commits[0].block, 1));
  CHECK(m->height() == 2);
  CHECK(m->last_certificate() == commits[0].certificate);
}

TEST_CASE("round timeouts grow with the round") {
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  auto m = d.machine(d.not_proposer(1, 0), app, wal);
  (void)m->start(1);
  std::vector<uint64_t> propose_durations;
  for (uint32_t r = 0; r < 4; ++r) {
    Actions a = m->on_timeout(Timeout{1, r, TimeoutKind::precommit});
    for (const auto& t : actions_of<ScheduleTimeout>(a)) {
      if (t.timeout.kind == TimeoutKind::propose) propose_durations.push_back(t.duration_ms);
    }
  }
  // The node's own proposer turn schedules no propose timeout.
  REQUIRE(propose_durations.size() >= 2);
  CHECK(std::is_sorted(propose_durations.begin(), propose_durations.end()));
  CHECK(propose_durations.front() < propose_durations.back());
}

TEST_CASE("f+1 signers in a higher round make a node jump to that round; f do not") {
  Driver d(7);  // f = 2
  TestApp app;
  MemoryWal wal;
  const std::size_t me = 0;
  auto m = d.machine(me, app, wal);
  (void)m->start(1);
  (void)d.votes(*m, VoteKind::prevote, 1, 5, BlockHash{}, {1, 2});
  CHECK(m->round() == 0);
  (void)d.votes(*m, VoteKind::precommit, 1, 5, BlockHash{}, {3});
  CHECK(m->round() == 5);
}

TEST_CASE("two different votes from one key for one step are reported as evidence") {
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  auto m = d.machine(0, app, wal);
  (void)m->start(1);
  (void)d.votes(*m, VoteKind::prevote, 1, 0, BlockHash{}, {2});
  CHECK(m->evidence().empty());
  auto a = d.votes(*m, VoteKind::prevote, 1, 0, cipher::sha256(TestApp::block(1, "x")), {2});
  auto reported = actions_of<ReportEvidence>(a);
  REQUIRE(reported.size() == 1);
  const auto& ev = std::get<VoteEvidence>(reported[0].evidence);
  CHECK(ev.first.signer == ev.second.signer);
  CHECK(ev.first.block_hash != ev.second.block_hash);
  CHECK(m->evidence().size() == 1);
  (void)d.votes(*m, VoteKind::prevote, 1, 0, BlockHash{}, {2});  // a duplicate is not new evidence
  CHECK(m->evidence().size() == 1);
}

TEST_CASE("votes signed by strangers or over other fields are refused") {
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  auto m = d.machine(0, app, wal);
  (void)m->start(1);
  Vote forged = d.vote(VoteKind::prevote, 1, 0, BlockHash{}, 1);
  forged.round = 1;
  CHECK(m->on_vote(forged).empty());
  CHECK(m->on_vote(sign_vote(context(), k_chain_id, VoteKind::prevote, 1, 0, BlockHash{}, test_key(11))).empty());
  CHECK(m->stats().refused == 2);
}

TEST_CASE("a node that sees a later height asks for commits and catches up through checked certificates") {
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  auto m = d.machine(0, app, wal);
  (void)m->start(1);
  auto asked = actions_of<RequestCommits>(m->on_vote(d.vote(VoteKind::prevote, 3, 0, BlockHash{}, 1)));
  REQUIRE(asked.size() == 1);
  CHECK(asked[0].from_height == 1);

  const Bytes block = TestApp::block(1, "c");
  const BlockHash hash = cipher::sha256(block);
  CommitCertificate short_cert{1, 2, hash, {}};
  for (std::size_t i : {1, 2}) short_cert.precommits.push_back(d.vote(VoteKind::precommit, 1, 2, hash, i));
  CHECK(actions_of<CommitBlock>(m->on_commit_certificate(short_cert, block)).empty());
  CHECK(m->height() == 1);

  CommitCertificate cert = short_cert;
  cert.precommits.push_back(d.vote(VoteKind::precommit, 1, 2, hash, 3));
  CHECK(actions_of<CommitBlock>(m->on_commit_certificate(cert, TestApp::block(1, "not it"))).empty());
  auto commits = actions_of<CommitBlock>(m->on_commit_certificate(cert, block));
  REQUIRE(commits.size() == 1);
  CHECK(commits[0].block == block);
  CHECK(m->height() == 2);
}

TEST_CASE("a single-node trust set commits one height per commit timeout") {
  Driver d(1);
  TestApp app;
  MemoryWal wal;
  auto m = d.machine(0, app, wal);
  Actions a = m->start(1);
  REQUIRE(actions_of<CommitBlock>(a).size() == 1);
  CHECK(m->height() == 2);
  a = m->on_timeout(Timeout{2, 0, TimeoutKind::commit});
  REQUIRE(actions_of<CommitBlock>(a).size() == 1);
  CHECK(m->height() == 3);
}

TEST_CASE("two machines given the same inputs return the same actions") {
  auto run = [] {
    Driver d(4);
    TestApp app;
    MemoryWal wal;
    auto m = d.machine(d.trust().proposer_index(1, 0), app, wal);
    std::vector<Bytes> out;
    Actions all = m->start(1);
    append(all, d.votes(*m, VoteKind::prevote, 1, 0, BlockHash{}, {0, 1, 2, 3}));
    append(all, m->on_timeout(Timeout{1, 0, TimeoutKind::prevote}));
    append(all, m->on_timeout(Timeout{1, 0, TimeoutKind::precommit}));
    for (const Vote& v : sent_votes(all)) out.push_back(encode(v));
    for (const Proposal& p : sent_proposals(all)) out.push_back(encode(p));
    for (const auto& t : actions_of<ScheduleTimeout>(all)) out.push_back(Bytes{static_cast<uint8_t>(t.duration_ms)});
    return out;
  };
  const auto first = run();
  CHECK(first.size() > 3);
  CHECK(first == run());
}

TEST_CASE("a restarted node re-sends its head certificate so nodes still at that height can commit") {
  // Regression: a node that committed last and then restarted stopped re-sending the certificate, and the others,
  // missing one precommit, waited forever (found by the simulator's restart case).
  Driver d(4);
  TestApp app;
  MemoryWal wal;
  const Bytes block = TestApp::block(1, "c");
  const BlockHash hash = cipher::sha256(block);
  CommitCertificate cert{1, 0, hash, {}};
  for (std::size_t i : {0, 1, 2}) cert.precommits.push_back(d.vote(VoteKind::precommit, 1, 0, hash, i));
  auto m = d.machine(3, app, wal);
  (void)m->start(2, cert);
  bool resent = false;
  for (const Action& a : m->on_timeout(Timeout{2, 0, TimeoutKind::gossip})) {
    if (const auto* b = std::get_if<Broadcast>(&a)) resent |= std::get_if<CommitCertificate>(&b->message) != nullptr;
  }
  CHECK(resent);

  MemoryWal behind_wal;
  auto behind = d.machine(0, app, behind_wal);
  (void)behind->start(1);
  (void)behind->on_proposal(d.proposal(1, 0, block));
  auto commits = actions_of<CommitBlock>(behind->on_message(cert));
  REQUIRE(commits.size() == 1);
  CHECK(commits[0].block == block);
}
