// Machine: validating inputs, buffering the next height, signing through the WAL, committing and gossip.
#include "skymesh/consensus/machine.hpp"

#include <algorithm>

#include "skymesh/consensus/certificate.hpp"

namespace skymesh::consensus {

Machine::Machine(Config config, TrustSet trust, cipher::KeyPair keys, App& app, Wal& wal, SignatureChecker& checker)
    : config_(std::move(config)),
      trust_(std::move(trust)),
      keys_(std::move(keys)),
      my_index_(trust_.index_of(keys_.public_key)),
      app_(app),
      wal_(wal),
      checker_(checker) {}

std::optional<BlockHash> Machine::locked_block() const {
  if (locked_round_ < 0) return std::nullopt;
  return cipher::sha256(locked_block_);
}

Actions Machine::start(uint64_t height, std::optional<CommitCertificate> head_certificate) {
  Actions out;
  last_certificate_ = std::move(head_certificate);
  wal_.prune_below(height);
  enter_height(height, out);
  begin_rounds(out);
  out.push_back(ScheduleTimeout{Timeout{height_, round_, TimeoutKind::gossip}, config_.gossip_ms});
  return out;
}

void Machine::begin_rounds(Actions& out) {
  started_ = true;
  start_round(resume_round_, out);
  run_rules(out);
}

void Machine::enter_height(uint64_t height, Actions& out) {
  height_ = height;
  started_ = false;
  round_ = 0;
  step_ = Step::propose;
  locked_round_ = valid_round_ = -1;
  locked_block_.clear();
  valid_block_.clear();
  votes_ = VoteBook();
  proposals_.clear();
  seen_proposals_.clear();
  proposal_evidence_rounds_.clear();
  blocks_.clear();
  validity_.clear();
  own_votes_.clear();
  own_proposals_.clear();
  scheduled_.clear();
  valid_updates_.clear();
  ahead_signers_.clear();
  lagging_ = false;

  // What this node signed here before a restart: it is re-sent, never replaced; the lock is kept.
  uint32_t resume_round = 0;
  for (WalRecord& record : wal_.read(height)) {
    if (auto* p = std::get_if<Proposal>(&record)) {
      resume_round = std::max(resume_round, p->round);
      own_proposals_.emplace(p->round, *p);
    } else if (auto* v = std::get_if<Vote>(&record)) {
      resume_round = std::max(resume_round, v->round);
      own_votes_.emplace(std::pair{v->round, v->kind}, *v);
    } else if (auto* lock = std::get_if<Lock>(&record); lock->round > locked_round_) {
      locked_round_ = valid_round_ = lock->round;
      locked_block_ = valid_block_ = lock->block;
      blocks_[cipher::sha256(lock->block)] = lock->block;
    }
  }
  for (const auto& [key, vote] : own_votes_) {
    if (my_index_) (void)votes_.add(vote, *my_index_);
  }
  for (const auto& [round, proposal] : own_proposals_) accept_proposal(proposal, out);

  resume_round_ = resume_round;
  std::vector<Message> buffered = std::move(next_height_);
  next_height_.clear();
  for (const Message& message : buffered) {
    Actions more = on_message(message);
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
}

Actions Machine::on_message(const Message& message) {
  if (const auto* p = std::get_if<Proposal>(&message)) return on_proposal(*p);
  if (const auto* v = std::get_if<Vote>(&message)) return on_vote(*v);
  return on_commit_certificate(std::get<CommitCertificate>(message), std::nullopt);
}

Actions Machine::on_proposal(const Proposal& proposal) {
  Actions out;
  if (proposal.height < height_ || proposal.round > round_ + config_.max_rounds_ahead) {
    ++stats_.dropped;
    return out;
  }
  if (seen_proposals_.count({proposal.round, proposal.block_hash}) != 0 && proposal.height == height_) {
    ++stats_.duplicates;
    return out;
  }
  if (!verify_proposal(checker_, config_.chain_id, trust_, proposal)) {
    ++stats_.refused;
    return out;
  }
  if (proposal.height > height_) {
    note_ahead(trust_.proposer_index(proposal.height, proposal.round), proposal.height, out);
    if (proposal.height == height_ + 1) buffer(proposal);
    return out;
  }
  accept_proposal(proposal, out);
  run_rules(out);
  return out;
}

void Machine::accept_proposal(const Proposal& proposal, Actions& out) {
  if (!seen_proposals_.insert({proposal.round, proposal.block_hash}).second) return;
  votes_.note_signer(proposal.round, trust_.proposer_index(proposal.height, proposal.round));
  blocks_.emplace(proposal.block_hash, proposal.block);
  auto [it, first] = proposals_.try_emplace(proposal.round, proposal);
  if (!first && proposal_evidence_rounds_.insert(proposal.round).second) {
    // The proposer signed two blocks for one round: keep both as evidence; only the first counts for prevotes.
    evidence_.push_back(ProposalEvidence{it->second, proposal});
    out.push_back(ReportEvidence{evidence_.back()});
  }
}

Actions Machine::on_vote(const Vote& vote) {
  Actions out;
  if (vote.height < height_ || vote.round > round_ + config_.max_rounds_ahead) {
    ++stats_.dropped;
    return out;
  }
  if (!verify_vote(checker_, config_.chain_id, trust_, vote)) {
    ++stats_.refused;
    return out;
  }
  if (vote.height > height_) {
    note_ahead(*trust_.index_of(vote.signer), vote.height, out);
    if (vote.height == height_ + 1) buffer(vote);
    return out;
  }
  accept_vote(vote, out);
  run_rules(out);
  return out;
}

void Machine::accept_vote(const Vote& vote, Actions& out) {
  auto added = votes_.add(vote, *trust_.index_of(vote.signer));
  if (added.outcome == VoteBook::Added::duplicate || added.outcome == VoteBook::Added::conflict_again) {
    ++stats_.duplicates;
  } else if (added.outcome == VoteBook::Added::conflict) {
    evidence_.push_back(VoteEvidence{*added.first, vote});
    out.push_back(ReportEvidence{evidence_.back()});
  }
}

void Machine::note_ahead(std::size_t signer, uint64_t height, Actions& out) {
  ahead_signers_.insert(signer);
  // Two heights ahead, or f+1 signers ahead (one of them honest): this node missed a commit.
  if (!lagging_ && (height > height_ + 1 || ahead_signers_.size() >= trust_.one_honest())) {
    lagging_ = true;
    out.push_back(RequestCommits{height_});
  }
}

void Machine::buffer(Message message) {
  if (next_height_.size() >= config_.max_buffered) {
    ++stats_.dropped;
    return;
  }
  next_height_.push_back(std::move(message));
}

Actions Machine::on_commit_certificate(const CommitCertificate& certificate, std::optional<Bytes> block) {
  Actions out;
  if (certificate.height < height_) return out;
  if (certificate.height > height_) {
    if (!lagging_) {
      lagging_ = true;
      out.push_back(RequestCommits{height_});
    }
    return out;
  }
  if (!check_certificate(checker_, config_.chain_id, trust_, certificate, height_)) {
    ++stats_.refused;
    return out;
  }
  if (block && cipher::sha256(*block) != certificate.block_hash) {
    ++stats_.refused;
    return out;
  }
  if (block) blocks_.emplace(certificate.block_hash, *block);
  const Bytes* known = block_of(certificate.block_hash);
  if (known == nullptr) {
    if (!lagging_) {
      lagging_ = true;
      out.push_back(RequestCommits{height_});
    }
    return out;
  }
  if (!valid(certificate.block_hash)) {
    // A quorum certified a block this node's rules refuse: more than f are faulty or the rules differ.
    ++stats_.refused;
    return out;
  }
  commit(certificate.round, certificate.block_hash, *known, certificate, out);
  return out;
}

void Machine::commit(uint32_t, const BlockHash&, Bytes block, CommitCertificate certificate, Actions& out) {
  const uint64_t height = height_;
  last_certificate_ = certificate;
  out.push_back(CommitBlock{height, std::move(block), std::move(certificate)});
  // Height - 1 is stored by now (the caller applied its CommitBlock); this height's records stay until the caller
  // has stored this block too.
  if (height > 0) wal_.prune_below(height);
  enter_height(height + 1, out);
  out.push_back(ScheduleTimeout{Timeout{height_, 0, TimeoutKind::commit}, config_.commit_ms});
}

void Machine::sign_and_send_vote(VoteKind kind, const BlockHash& hash, Actions& out, bool lock) {
  if (!my_index_) return;
  auto existing = own_votes_.find({round_, kind});
  if (existing == own_votes_.end()) {
    Vote vote = sign_vote(checker_.context(), config_.chain_id, kind, height_, round_, hash, keys_);
    std::vector<WalRecord> records;
    if (lock) records.push_back(Lock{height_, static_cast<int32_t>(round_), locked_block_});
    records.push_back(vote);
    wal_.append(records);
    existing = own_votes_.emplace(std::pair{round_, kind}, std::move(vote)).first;
  }
  const Vote& vote = existing->second;
  accept_vote(vote, out);
  out.push_back(Broadcast{vote});
}

void Machine::sign_and_send_proposal(Bytes block, int32_t valid_round, Actions& out) {
  auto existing = own_proposals_.find(round_);
  if (existing == own_proposals_.end()) {
    Proposal proposal = sign_proposal(checker_.context(), config_.chain_id, height_, round_, std::move(block),
                                      valid_round, keys_.secret_key);
    wal_.append(std::vector<WalRecord>{proposal});
    existing = own_proposals_.emplace(round_, std::move(proposal)).first;
  }
  accept_proposal(existing->second, out);
  out.push_back(Broadcast{existing->second});
}

void Machine::gossip(Actions& out) {
  // Own votes of this round and the last, and of one older round in turn, so every vote is re-sent in time.
  const uint32_t older = round_ == 0 ? 0 : gossip_cursor_++ % round_;
  for (const auto& [key, vote] : own_votes_) {
    if (key.first + 1 >= round_ || key.first == older) out.push_back(Broadcast{vote});
  }
  if (auto it = own_proposals_.find(round_); it != own_proposals_.end()) out.push_back(Broadcast{it->second});
  // The prevote quorum behind this node's valid value (its proof of lock), so a re-proposal of that block can be
  // accepted by nodes that missed some of those prevotes.
  if (valid_round_ >= 0) {
    const auto round = static_cast<uint32_t>(valid_round_);
    for (const Vote& vote : votes_.votes_for(round, VoteKind::prevote, cipher::sha256(valid_block_))) {
      out.push_back(Broadcast{vote});
    }
  }
  if (last_certificate_) out.push_back(Broadcast{*last_certificate_});
  if (lagging_) out.push_back(RequestCommits{height_});
  out.push_back(ScheduleTimeout{Timeout{height_, round_, TimeoutKind::gossip}, config_.gossip_ms});
}

bool Machine::valid(const BlockHash& hash) {
  auto it = validity_.find(hash);
  if (it != validity_.end()) return it->second;
  const Bytes* block = block_of(hash);
  if (block == nullptr) return false;
  const bool ok = app_.validate(height_, *block);
  validity_.emplace(hash, ok);
  return ok;
}

const Bytes* Machine::block_of(const BlockHash& hash) const {
  auto it = blocks_.find(hash);
  return it == blocks_.end() ? nullptr : &it->second;
}

}  // namespace skymesh::consensus
