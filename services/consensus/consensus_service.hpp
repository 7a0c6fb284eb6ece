// The consensus serverlet: one consensus::Machine per process, wired to the bus. Inputs (peers' messages from
// their consensus.messages topics, timeouts on the fiber clock, committed blocks fetched from peers'
// consensus.commits) go through one fiber mutex, so the machine sees one input at a time; its actions are carried
// out before the next input (a CommitBlock is applied with chain.commit first). Serves consensus.status and
// consensus.evidence; publishes consensus.messages (ring) and consensus.commits (durable: entry N = height N).
//
// Idle: the machine's start, and each next height after a commit (its commit timeout), wait until there is work:
// the chain's pool holds a transaction (chain.status, polled every 50 ms) or a peer sends a message of that
// height or above. So an idle network signs nothing and its round timeouts do not grow.
//
// Threading: everything runs in fibers on the node's reactor thread.
#pragma once

#include <boost/fiber/mutex.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "chain_app.hpp"
#include "settings.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/consensus/lmdb_wal.hpp"
#include "skymesh/proto/consensus.capnp.h"

namespace skymesh::consensus_service {

constexpr const char* k_messages_topic = "consensus.messages";
constexpr const char* k_commits_topic = "consensus.commits";

class ConsensusService {
 public:
  // Borrows node and ctx; they must outlive the service.
  ConsensusService(bus::Node& node, const cipher::Secp256k1& ctx, Settings settings);
  ConsensusService(const ConsensusService&) = delete;
  ConsensusService& operator=(const ConsensusService&) = delete;

  // Opens the WAL and the commits log, registers topics and methods, and starts the fiber that connects to the
  // chain, republishes commits the log lacks, starts the machine at the chain's head + 1 and listens to peers.
  bus::Status attach();

 private:
  void run();
  bus::Status catch_up_log(bus::Client& chain, uint64_t head);
  void feed(const std::function<consensus::Actions()>& input);
  void apply(consensus::Actions actions);
  void commit(const consensus::CommitBlock& decided);
  void publish_commit(uint64_t height, consensus::ByteView block, consensus::ByteView certificate);
  void schedule(const consensus::Timeout& timeout, uint64_t duration_ms);
  void fetch_commits(uint64_t from_height);
  void listen_to(const Member& member);
  // Keeps `input` until there is work at `height` (see above), then feeds it.
  void hold(uint64_t height, std::function<consensus::Actions()> input);
  void release();

  bus::Status status(proto::ConsensusStatusRequest::Reader request, proto::ConsensusStatusReply::Builder reply);
  bus::Status evidence(proto::ConsensusEvidenceRequest::Reader request, proto::ConsensusEvidenceReply::Builder reply);

  bus::Node& node_;
  const cipher::Secp256k1& ctx_;
  Settings settings_;
  ChainApp app_;
  consensus::SignatureChecker checker_;
  std::unique_ptr<consensus::LmdbWal> wal_;
  std::unique_ptr<consensus::Machine> machine_;
  std::optional<bus::Client> chain_;
  boost::fibers::mutex mutex_;   // one machine input at a time
  uint64_t commits_logged_ = 0;  // consensus.commits holds heights 1..commits_logged_
  uint64_t messages_seq_ = 0;
  bool fetching_ = false;
  std::function<consensus::Actions()> held_;  // empty: nothing held
  uint64_t held_height_ = 0;
  uint64_t hold_id_ = 0;  // the watcher of an older hold stops when this moves on
};

}  // namespace skymesh::consensus_service
