// The Tendermint algorithm (Buchman, Kwon, Milosevic 2018) for one node as a pure state machine: no threads, no
// sockets, no clock. Each input returns the actions to carry out, in order: messages to broadcast, timeouts to
// schedule, blocks to commit, evidence to report, commits to fetch. Given the same inputs it returns the same
// actions. Everything it signs goes through the Wal first. The caller must apply a CommitBlock (store the block
// and its certificate) before feeding the next input; WAL records of a height are pruned only after that.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "skymesh/consensus/messages.hpp"
#include "skymesh/consensus/signing.hpp"
#include "skymesh/consensus/trust_set.hpp"
#include "skymesh/consensus/vote_book.hpp"
#include "skymesh/consensus/wal.hpp"

namespace skymesh::consensus {

// Block content comes from the chain: the pool's next block, and the chain's rules.
class App {
 public:
  virtual ~App() = default;
  virtual Bytes propose(uint64_t height) = 0;
  virtual bool validate(uint64_t height, ByteView block) = 0;
};

enum class Step : uint8_t { propose, prevote, precommit };
// gossip is the machine's own periodic timer: it re-sends what the node signed in this height and its last
// certificate, and repeats a pending commit request, so lost messages are made up once links heal. commit is the
// pause between committing a height and starting the next one (Tendermint's timeout_commit).
enum class TimeoutKind : uint8_t { propose, prevote, precommit, gossip, commit };

struct Timeout {
  uint64_t height = 0;
  uint32_t round = 0;
  TimeoutKind kind = TimeoutKind::propose;
  friend bool operator==(const Timeout&, const Timeout&) = default;
};

// Durations in milliseconds; a round r timeout lasts base + r * delta.
struct Config {
  std::string chain_id;
  uint64_t propose_ms = 300, propose_delta_ms = 100;
  uint64_t prevote_ms = 100, prevote_delta_ms = 50;
  uint64_t precommit_ms = 100, precommit_delta_ms = 50;
  uint64_t gossip_ms = 400;
  uint64_t commit_ms = 0;
  // Votes for rounds further ahead are dropped, which bounds what a faulty signer can make a node store.
  uint32_t max_rounds_ahead = 1000;
  // Messages for the next height kept until this node gets there.
  std::size_t max_buffered = 4096;
};

struct VoteEvidence {
  Vote first;
  Vote second;
};
struct ProposalEvidence {
  Proposal first;
  Proposal second;
};
using Evidence = std::variant<VoteEvidence, ProposalEvidence>;

struct Broadcast {
  Message message;
};
struct ScheduleTimeout {
  Timeout timeout;
  uint64_t duration_ms = 0;
};
struct CommitBlock {
  uint64_t height = 0;
  Bytes block;
  CommitCertificate certificate;
};
struct ReportEvidence {
  Evidence evidence;
};
// Ask peers for committed blocks with their certificates from this height on (answered through
// on_commit_certificate).
struct RequestCommits {
  uint64_t from_height = 0;
};
using Action = std::variant<Broadcast, ScheduleTimeout, CommitBlock, ReportEvidence, RequestCommits>;
using Actions = std::vector<Action>;

struct MachineStats {
  uint64_t refused = 0;     // bad signature, unknown signer, wrong proposer, bad certificate
  uint64_t duplicates = 0;  // a message already held
  uint64_t dropped = 0;     // too old, too far ahead, or the buffer was full
};

class Machine {
 public:
  // Borrows app, wal and checker; they must outlive the machine. keys.public_key must be in the trust set for
  // the node to vote (an observer's key may be outside it: it then only follows).
  Machine(Config config, TrustSet trust, cipher::KeyPair keys, App& app, Wal& wal, SignatureChecker& checker);

  // Begins `height` (the chain's head + 1), resuming from the WAL what this node signed there before a restart.
  // `head_certificate` is the stored certificate of height - 1, which gossip re-sends to nodes still there.
  Actions start(uint64_t height, std::optional<CommitCertificate> head_certificate = std::nullopt);
  Actions on_proposal(const Proposal& proposal);
  Actions on_vote(const Vote& vote);
  Actions on_timeout(const Timeout& timeout);
  // A committed block from a peer (catch-up), or a certificate alone (block empty: the machine uses the proposal
  // it holds, or asks for the block). Checked before anything is committed.
  Actions on_commit_certificate(const CommitCertificate& certificate, std::optional<Bytes> block);
  // A decoded message of any kind; a certificate arrives without its block.
  Actions on_message(const Message& message);

  uint64_t height() const noexcept { return height_; }
  uint32_t round() const noexcept { return round_; }
  Step step() const noexcept { return step_; }
  int32_t locked_round() const noexcept { return locked_round_; }
  int32_t valid_round() const noexcept { return valid_round_; }
  std::optional<BlockHash> locked_block() const;
  const std::optional<CommitCertificate>& last_certificate() const noexcept { return last_certificate_; }
  const std::vector<Evidence>& evidence() const noexcept { return evidence_; }
  const TrustSet& trust_set() const noexcept { return trust_; }
  const MachineStats& stats() const noexcept { return stats_; }

 private:
  // machine.cpp: inputs, signing through the WAL, commit, gossip.
  void enter_height(uint64_t height, Actions& out);
  void begin_rounds(Actions& out);
  void accept_proposal(const Proposal& proposal, Actions& out);
  void accept_vote(const Vote& vote, Actions& out);
  void note_ahead(std::size_t signer, uint64_t height, Actions& out);
  void buffer(Message message);
  void sign_and_send_vote(VoteKind kind, const BlockHash& hash, Actions& out, bool lock = false);
  void sign_and_send_proposal(Bytes block, int32_t valid_round, Actions& out);
  void commit(uint32_t round, const BlockHash& hash, Bytes block, CommitCertificate certificate, Actions& out);
  void gossip(Actions& out);
  bool valid(const BlockHash& hash);
  const Bytes* block_of(const BlockHash& hash) const;
  // machine_rules.cpp: the algorithm's upon-rules.
  void start_round(uint32_t round, Actions& out);
  void run_rules(Actions& out);
  bool try_commit(Actions& out);
  bool try_round_skip(Actions& out);
  bool try_prevote(Actions& out);
  bool try_precommit(Actions& out);
  void schedule(TimeoutKind kind, Actions& out);

  Config config_;
  TrustSet trust_;
  cipher::KeyPair keys_;
  std::optional<std::size_t> my_index_;
  App& app_;
  Wal& wal_;
  SignatureChecker& checker_;

  uint64_t height_ = 0;
  bool started_ = false;  // false between a commit and its commit timeout: messages are held, no rule runs
  uint32_t resume_round_ = 0;
  uint32_t round_ = 0;
  Step step_ = Step::propose;
  int32_t locked_round_ = -1;
  Bytes locked_block_;
  int32_t valid_round_ = -1;
  Bytes valid_block_;

  // State of the current height.
  VoteBook votes_;
  std::map<uint32_t, Proposal> proposals_;                   // the first valid proposal of each round
  std::set<std::pair<uint32_t, BlockHash>> seen_proposals_;  // (round, hash) of every proposal held
  std::set<uint32_t> proposal_evidence_rounds_;
  std::map<BlockHash, Bytes> blocks_;                        // every proposed block of this height, by hash
  std::map<BlockHash, bool> validity_;                       // App::validate's answers
  std::map<std::pair<uint32_t, VoteKind>, Vote> own_votes_;  // what this node signed (restored from the WAL)
  std::map<uint32_t, Proposal> own_proposals_;
  std::set<std::pair<uint32_t, TimeoutKind>> scheduled_;  // the "for the first time" guards
  std::set<uint32_t> valid_updates_;                      // rounds where rule 36 has run

  std::vector<Message> next_height_;  // buffered messages for height_ + 1
  std::set<std::size_t> ahead_signers_;
  bool lagging_ = false;
  uint32_t gossip_cursor_ = 0;
  std::optional<CommitCertificate> last_certificate_;
  std::vector<Evidence> evidence_;
  MachineStats stats_;
};

}  // namespace skymesh::consensus
