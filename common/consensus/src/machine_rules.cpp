// The upon-rules of Tendermint's algorithm (line numbers of Algorithm 1 in "The latest gossip on BFT consensus",
// arXiv:1807.04938), evaluated after every input until none fires.
#include <algorithm>

#include "skymesh/consensus/machine.hpp"

namespace skymesh::consensus {

namespace {
const BlockHash k_nil{};
}

// Line 11: StartRound.
void Machine::start_round(uint32_t round, Actions& out) {
  round_ = round;
  step_ = Step::propose;
  if (my_index_ && trust_.proposer_index(height_, round_) == *my_index_) {
    if (valid_round_ >= 0) {
      sign_and_send_proposal(valid_block_, valid_round_, out);
    } else {
      sign_and_send_proposal(app_.propose(height_), -1, out);
    }
  } else {
    schedule(TimeoutKind::propose, out);
  }
}

void Machine::schedule(TimeoutKind kind, Actions& out) {
  if (!scheduled_.insert({round_, kind}).second) return;
  uint64_t base = config_.propose_ms, delta = config_.propose_delta_ms;
  if (kind == TimeoutKind::prevote) {
    base = config_.prevote_ms;
    delta = config_.prevote_delta_ms;
  } else if (kind == TimeoutKind::precommit) {
    base = config_.precommit_ms;
    delta = config_.precommit_delta_ms;
  }
  out.push_back(ScheduleTimeout{Timeout{height_, round_, kind}, base + delta * round_});
}

void Machine::run_rules(Actions& out) {
  if (!started_) return;
  const uint64_t height = height_;
  // Each rule that fires changes height, round or step, or sets a once-only guard, so this ends.
  for (;;) {
    if (try_commit(out)) return;
    if (height_ != height || !started_) return;
    if (try_round_skip(out)) continue;
    if (try_prevote(out)) continue;
    if (try_precommit(out)) continue;
    return;
  }
}

// Line 49: a quorum of precommits for a block of any round, with the block known and valid, decides.
bool Machine::try_commit(Actions& out) {
  for (uint32_t round : votes_.precommit_rounds()) {
    auto hash = votes_.block_with(round, VoteKind::precommit, trust_.quorum());
    if (!hash || block_of(*hash) == nullptr || !valid(*hash)) continue;
    CommitCertificate certificate{height_, round, *hash, votes_.votes_for(round, VoteKind::precommit, *hash)};
    commit(round, *hash, *block_of(*hash), std::move(certificate), out);
    return true;
  }
  return false;
}

// Line 55: f+1 signers in a higher round mean an honest node is there; follow it.
bool Machine::try_round_skip(Actions& out) {
  for (uint32_t round : votes_.rounds_above(round_)) {
    if (votes_.signers_in(round) >= trust_.one_honest()) {
      start_round(round, out);
      return true;
    }
  }
  return false;
}

// Lines 22 and 28: prevote for the round's proposal if it is valid and the lock allows it, else nil.
bool Machine::try_prevote(Actions& out) {
  if (step_ != Step::propose) return false;
  auto it = proposals_.find(round_);
  if (it == proposals_.end()) return false;
  const Proposal& proposal = it->second;
  const BlockHash hash = proposal.block_hash;
  bool vote_for = false;
  if (proposal.valid_round < 0) {
    vote_for = valid(hash) && (locked_round_ < 0 || cipher::sha256(locked_block_) == hash);
  } else {
    const auto vr = static_cast<uint32_t>(proposal.valid_round);
    if (votes_.count(vr, VoteKind::prevote, hash) < trust_.quorum()) return false;  // wait for the proof of lock
    vote_for = valid(hash) && (locked_round_ <= proposal.valid_round || cipher::sha256(locked_block_) == hash);
  }
  sign_and_send_vote(VoteKind::prevote, vote_for ? hash : k_nil, out);
  step_ = Step::prevote;
  return true;
}

// Lines 34, 36, 44, 47.
bool Machine::try_precommit(Actions& out) {
  bool fired = false;
  if (step_ == Step::prevote && votes_.count_any(round_, VoteKind::prevote) >= trust_.quorum() &&
      scheduled_.count({round_, TimeoutKind::prevote}) == 0) {
    schedule(TimeoutKind::prevote, out);  // line 34
    fired = true;
  }
  if (step_ != Step::propose && valid_updates_.count(round_) == 0) {
    auto hash = votes_.block_with(round_, VoteKind::prevote, trust_.quorum());
    if (hash && block_of(*hash) != nullptr && valid(*hash)) {  // line 36
      valid_updates_.insert(round_);
      const Bytes& block = *block_of(*hash);
      if (step_ == Step::prevote) {
        locked_block_ = block;
        locked_round_ = static_cast<int32_t>(round_);
        sign_and_send_vote(VoteKind::precommit, *hash, out, /*lock=*/true);
        step_ = Step::precommit;
      }
      valid_block_ = block;
      valid_round_ = static_cast<int32_t>(round_);
      return true;
    }
  }
  if (step_ == Step::prevote && votes_.count(round_, VoteKind::prevote, k_nil) >= trust_.quorum()) {
    sign_and_send_vote(VoteKind::precommit, k_nil, out);  // line 44
    step_ = Step::precommit;
    return true;
  }
  if (votes_.count_any(round_, VoteKind::precommit) >= trust_.quorum() &&
      scheduled_.count({round_, TimeoutKind::precommit}) == 0) {
    schedule(TimeoutKind::precommit, out);  // line 47
    fired = true;
  }
  return fired;
}

// Lines 57-65, plus the gossip and commit timers.
Actions Machine::on_timeout(const Timeout& timeout) {
  Actions out;
  if (timeout.kind == TimeoutKind::gossip) {
    gossip(out);
    return out;
  }
  if (timeout.height != height_) return out;
  if (timeout.kind == TimeoutKind::commit) {
    if (!started_) begin_rounds(out);
    return out;
  }
  if (timeout.round != round_ || !started_) return out;
  if (timeout.kind == TimeoutKind::propose && step_ == Step::propose) {
    sign_and_send_vote(VoteKind::prevote, k_nil, out);
    step_ = Step::prevote;
  } else if (timeout.kind == TimeoutKind::prevote && step_ == Step::prevote) {
    sign_and_send_vote(VoteKind::precommit, k_nil, out);
    step_ = Step::precommit;
  } else if (timeout.kind == TimeoutKind::precommit) {
    start_round(round_ + 1, out);
  }
  run_rules(out);
  return out;
}

}  // namespace skymesh::consensus
