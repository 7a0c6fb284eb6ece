#include "consensus_service.hpp"

#include <kj/exception.h>

#include <boost/fiber/operations.hpp>
#include <chrono>
#include <exception>
#include <mutex>
#include <variant>

#include "skymesh/bus/client.hpp"
#include "skymesh/bus/topic_log.hpp"
#include "skymesh/proto/chain.capnp.h"

namespace skymesh::consensus_service {
namespace {

using bus::ErrorCode;
using namespace std::chrono_literals;

capnp::Data::Reader data_of(consensus::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}
consensus::ByteView view_of(capnp::Data::Reader data) {
  return consensus::ByteView(data.begin(), data.size());
}

const char* step_name(consensus::Step step) {
  switch (step) {
    case consensus::Step::propose:
      return "propose";
    case consensus::Step::prevote:
      return "prevote";
    case consensus::Step::precommit:
      return "precommit";
  }
  return "?";
}

// How long a peer's message feed may stay silent before it is dialled afresh: gossip re-sends every 400 ms, so
// silence means the peer restarted (its ring starts again at 1) or died.
constexpr int k_silent_polls = 6;
constexpr auto k_poll = 500ms;
constexpr auto k_retry = 500ms;
constexpr auto k_idle_poll = 50ms;

uint64_t height_of(const consensus::Message& message) {
  return std::visit([](const auto& value) { return value.height; }, message);
}

}  // namespace

ConsensusService::ConsensusService(bus::Node& node, const cipher::Secp256k1& ctx, Settings settings)
    : node_(node), ctx_(ctx), settings_(std::move(settings)), app_(node), checker_(ctx) {}

bus::Status ConsensusService::attach() {
  std::vector<cipher::PublicKey> keys;
  for (const Member& member : settings_.members) keys.push_back(member.public_key);
  auto trust = consensus::TrustSet::create(keys);
  if (!trust) return bus::Status(ErrorCode::bad_request, "--trust: " + trust.fault().to_string());
  try {
    wal_ = std::make_unique<consensus::LmdbWal>(ctx_, settings_.wal_dir);
  } catch (const std::exception& e) {
    return bus::Status(ErrorCode::storage, e.what());
  }
  machine_ =
      std::make_unique<consensus::Machine>(settings_.config, trust.value(), *settings_.keys, app_, *wal_, checker_);
  auto log = bus::open_durable_log(settings_.topics_dir, k_commits_topic);
  if (!log.ok()) return log.status();
  commits_logged_ = log.value()->last_seq();
  if (bus::Status added =
          node_.add_topic(k_commits_topic, capnp::Schema::from<proto::ConsensusCommitEvent>(), std::move(log).value());
      !added.ok()) {
    return added;
  }
  if (bus::Status added = node_.add_topic(k_messages_topic, capnp::Schema::from<proto::ConsensusMessageEvent>(),
                                          bus::make_ring_log(16384, 64 << 20));
      !added.ok()) {
    return added;
  }
  const bus::MethodOptions live{bus::StateClass::PER_REQUEST, {}, false};
  node_.handle<proto::ConsensusStatusRequest, proto::ConsensusStatusReply>(
      "consensus.status",
      [this](bus::CallContext&, proto::ConsensusStatusRequest::Reader request,
             proto::ConsensusStatusReply::Builder reply) { return status(request, reply); },
      live);
  node_.handle<proto::ConsensusEvidenceRequest, proto::ConsensusEvidenceReply>(
      "consensus.evidence",
      [this](bus::CallContext&, proto::ConsensusEvidenceRequest::Reader request,
             proto::ConsensusEvidenceReply::Builder reply) { return evidence(request, reply); },
      live);
  node_.reactor().spawn([this]() { run(); });
  return bus::Status();
}

void ConsensusService::run() {
  // The chain first: the machine starts at its head + 1.
  uint64_t head = 0;
  std::optional<consensus::CommitCertificate> head_certificate;
  while (!node_.reactor().stopping()) {
    auto chain = bus::Client::connect(node_, settings_.chain, bus::ClientOptions{settings_.chain_key});
    if (chain.ok()) {
      auto status = chain.value().call<proto::ChainStatusRequest, proto::ChainStatusReply>(
          "chain.status", [](proto::ChainStatusRequest::Builder) {});
      if (status.ok() && !status.value().get().getEmpty()) {
        head = status.value().get().getHeadSeq();
        chain_.emplace(chain.value());
        break;
      }
      node_.logger().warn("consensus_chain_unreachable", {{"error", status.status().to_string()}});
    }
    boost::this_fiber::sleep_for(k_retry);
  }
  if (node_.reactor().stopping()) return;
  app_.set_chain(*chain_);
  if (bus::Status caught = catch_up_log(*chain_, head); !caught.ok()) {
    node_.logger().warn("consensus_commits_log_behind", {{"error", caught.to_string()}});
  }
  auto stored = chain_->call<proto::ChainCertificateRequest, proto::ChainCertificateReply>(
      "chain.certificate", [head](proto::ChainCertificateRequest::Builder request) { request.setSeq(head); });
  if (stored.ok()) {
    auto decoded = consensus::decode_certificate(ctx_, view_of(stored.value().get().getCertificate()));
    if (decoded) head_certificate = decoded.value();
  }
  node_.logger().info("consensus_start", {{"height", std::to_string(head + 1)}});
  hold(head + 1, [this, head, head_certificate]() { return machine_->start(head + 1, head_certificate); });
  for (const Member& member : settings_.members) {
    if (member.public_key == settings_.keys->public_key) continue;
    node_.reactor().spawn([this, member]() { listen_to(member); });
  }
}

bus::Status ConsensusService::catch_up_log(bus::Client& chain, uint64_t head) {
  for (uint64_t height = commits_logged_ + 1; height <= head; ++height) {
    auto block = chain.call<proto::ChainBlockRequest, proto::ChainBlock>(
        "chain.block", [height](proto::ChainBlockRequest::Builder request) { request.setSeq(height); });
    if (!block.ok()) return block.status();
    auto certificate = chain.call<proto::ChainCertificateRequest, proto::ChainCertificateReply>(
        "chain.certificate", [height](proto::ChainCertificateRequest::Builder request) { request.setSeq(height); });
    if (!certificate.ok()) return certificate.status();
    publish_commit(height, view_of(block.value().get().getRaw()), view_of(certificate.value().get().getCertificate()));
  }
  return bus::Status();
}

void ConsensusService::feed(const std::function<consensus::Actions()>& input) {
  std::unique_lock<boost::fibers::mutex> lock(mutex_);
  if (!machine_) return;
  apply(input());
}

void ConsensusService::apply(consensus::Actions actions) {
  for (consensus::Action& action : actions) {
    if (auto* broadcast = std::get_if<consensus::Broadcast>(&action)) {
      const consensus::Bytes bytes = consensus::encode(broadcast->message);
      auto published = node_.publish<proto::ConsensusMessageEvent>(
          k_messages_topic,
          [&bytes](proto::ConsensusMessageEvent::Builder event) { event.setMessage(data_of(bytes)); });
      if (published.ok()) messages_seq_ = published.value();
    } else if (auto* timeout = std::get_if<consensus::ScheduleTimeout>(&action)) {
      schedule(timeout->timeout, timeout->duration_ms);  // a commit timeout is held there
    } else if (auto* decided = std::get_if<consensus::CommitBlock>(&action)) {
      commit(*decided);
    } else if (auto* report = std::get_if<consensus::ReportEvidence>(&action)) {
      node_.logger().warn("consensus_evidence", {{"height", std::to_string(machine_->height())}});
      (void)report;  // the machine keeps it; consensus.evidence reports it
    } else if (auto* request = std::get_if<consensus::RequestCommits>(&action)) {
      if (!fetching_) {
        fetching_ = true;
        const uint64_t from = request->from_height;
        node_.reactor().spawn([this, from]() { fetch_commits(from); });
      }
    }
  }
}

void ConsensusService::commit(const consensus::CommitBlock& decided) {
  const consensus::Bytes certificate = consensus::encode(decided.certificate);
  // The machine takes no other input until the chain holds the block: retry while the chain is away.
  while (!node_.reactor().stopping()) {
    auto reply = chain_->call<proto::ChainCommitRequest, proto::ChainCommitReply>(
        "chain.commit", [&decided, &certificate](proto::ChainCommitRequest::Builder request) {
          request.setBlock(data_of(decided.block));
          request.setCertificate(data_of(certificate));
        });
    if (reply.ok()) break;
    node_.logger().error("consensus_commit_failed",
                         {{"height", std::to_string(decided.height)}, {"error", reply.status().to_string()}});
    if (reply.status().code() == ErrorCode::failed_precondition || reply.status().code() == ErrorCode::bad_request) {
      return;  // the chain refuses what a quorum decided: its rules differ; nothing to publish
    }
    boost::this_fiber::sleep_for(k_retry);
  }
  node_.logger().info("consensus_commit", {{"height", std::to_string(decided.height)},
                                           {"round", std::to_string(decided.certificate.round)}});
  publish_commit(decided.height, decided.block, certificate);
}

void ConsensusService::publish_commit(uint64_t height, consensus::ByteView block, consensus::ByteView certificate) {
  if (height != commits_logged_ + 1) return;  // already logged, or a gap the log cannot take
  auto published =
      node_.publish<proto::ConsensusCommitEvent>(k_commits_topic, [&](proto::ConsensusCommitEvent::Builder event) {
        event.setHeight(height);
        event.setBlock(data_of(block));
        event.setCertificate(data_of(certificate));
      });
  if (published.ok() && published.value() == height) commits_logged_ = height;
}

void ConsensusService::schedule(const consensus::Timeout& timeout, uint64_t duration_ms) {
  node_.reactor().spawn([this, timeout, duration_ms]() {
    boost::this_fiber::sleep_for(std::chrono::milliseconds(duration_ms));
    if (node_.reactor().stopping()) return;
    if (timeout.kind == consensus::TimeoutKind::commit) {
      hold(timeout.height, [this, timeout]() { return machine_->on_timeout(timeout); });
    } else {
      feed([this, timeout]() { return machine_->on_timeout(timeout); });
    }
  });
}

void ConsensusService::hold(uint64_t height, std::function<consensus::Actions()> input) {
  held_ = std::move(input);
  held_height_ = height;
  const uint64_t id = ++hold_id_;
  node_.reactor().spawn([this, id]() {
    while (!node_.reactor().stopping() && hold_id_ == id && held_) {
      auto status = chain_->call<proto::ChainStatusRequest, proto::ChainStatusReply>(
          "chain.status", [](proto::ChainStatusRequest::Builder) {});
      if (hold_id_ != id) return;
      if (status.ok() && status.value().get().getPoolSize() > 0) {
        release();
        return;
      }
      boost::this_fiber::sleep_for(k_idle_poll);
    }
  });
}

void ConsensusService::release() {
  if (!held_) return;
  std::function<consensus::Actions()> input = std::move(held_);
  held_ = nullptr;
  ++hold_id_;
  feed(input);
}

void ConsensusService::fetch_commits(uint64_t from_height) {
  for (const Member& member : settings_.members) {
    if (member.public_key == settings_.keys->public_key || node_.reactor().stopping()) continue;
    auto client = bus::Client::connect(node_, member.endpoint, bus::ClientOptions{member.bus_key});
    if (!client.ok()) continue;
    try {
      bus::Subscription commits(client.value(), k_commits_topic, from_height);
      while (!node_.reactor().stopping()) {
        auto event = commits.next(1000ms);
        if (!event.ok()) break;
        auto payload = event.value()->payload<proto::ConsensusCommitEvent>();
        auto certificate = consensus::decode_certificate(ctx_, view_of(payload.getCertificate()));
        if (!certificate) break;
        consensus::ByteView block = view_of(payload.getBlock());
        consensus::Bytes bytes(block.begin(), block.end());
        feed([this, &certificate, &bytes]() { return machine_->on_commit_certificate(certificate.value(), bytes); });
      }
    } catch (const kj::Exception& e) {
      node_.logger().warn("consensus_fetch_failed", {{"from", member.endpoint}, {"error", e.getDescription().cStr()}});
    }
    if (machine_->height() > from_height) break;
  }
  fetching_ = false;
}

void ConsensusService::listen_to(const Member& member) {
  bool warned = false;  // a peer that cannot be reached is logged once, then retried quietly
  while (!node_.reactor().stopping()) {
    auto client = bus::Client::connect(node_, member.endpoint, bus::ClientOptions{member.bus_key});
    if (!client.ok()) {
      if (!warned) {
        node_.logger().warn("consensus_peer_unreachable",
                            {{"peer", member.endpoint}, {"error", client.status().to_string()}});
        warned = true;
      }
      boost::this_fiber::sleep_for(k_retry);
      continue;
    }
    // From the peer's newest message on: what matters from before is re-sent by its gossip.
    auto status = client.value().call<proto::ConsensusStatusRequest, proto::ConsensusStatusReply>(
        "consensus.status", [](proto::ConsensusStatusRequest::Builder) {}, bus::CallOptions{1000ms});
    if (!status.ok()) {
      boost::this_fiber::sleep_for(k_retry);
      continue;
    }
    bus::Subscription messages(client.value(), k_messages_topic, status.value().get().getMessagesSeq() + 1);
    int silent = 0;
    while (!node_.reactor().stopping() && silent < k_silent_polls) {
      auto event = messages.next(k_poll);
      if (!event.ok()) {
        if (event.status().code() != ErrorCode::deadline_exceeded) break;
        ++silent;
        continue;
      }
      silent = 0;
      try {
        auto payload = event.value()->payload<proto::ConsensusMessageEvent>();
        auto message = consensus::decode_message(ctx_, view_of(payload.getMessage()));
        if (!message) continue;
        if (held_ && height_of(message.value()) >= held_height_) release();
        feed([this, &message]() { return machine_->on_message(message.value()); });
      } catch (const kj::Exception&) {
        continue;  // not a ConsensusMessageEvent
      }
    }
  }
}

bus::Status ConsensusService::status(proto::ConsensusStatusRequest::Reader,
                                     proto::ConsensusStatusReply::Builder reply) {
  const consensus::Machine& machine = *machine_;
  reply.setHeight(machine.height());
  reply.setRound(machine.round());
  reply.setStep(step_name(machine.step()));
  reply.setLockedRound(machine.locked_round());
  if (auto locked = machine.locked_block()) reply.setLockedBlock(data_of(locked->view()));
  const auto& keys = machine.trust_set().keys();
  auto list = reply.initTrustSet(static_cast<unsigned>(keys.size()));
  for (unsigned i = 0; i < list.size(); ++i) list.set(i, keys[i].hex());
  reply.setQuorum(static_cast<uint32_t>(machine.trust_set().quorum()));
  reply.setSelf(settings_.keys->public_key.hex());
  if (machine.last_certificate()) reply.setLastCertificate(data_of(consensus::encode(*machine.last_certificate())));
  reply.setMessagesSeq(messages_seq_);
  reply.setIdle(static_cast<bool>(held_));
  reply.setRefused(machine.stats().refused);
  reply.setDuplicates(machine.stats().duplicates);
  reply.setDropped(machine.stats().dropped);
  return bus::Status();
}

bus::Status ConsensusService::evidence(proto::ConsensusEvidenceRequest::Reader,
                                       proto::ConsensusEvidenceReply::Builder reply) {
  const auto& all = machine_->evidence();
  auto list = reply.initEvidence(static_cast<unsigned>(all.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    if (const auto* votes = std::get_if<consensus::VoteEvidence>(&all[i])) {
      list[i].setKind("vote");
      list[i].setSigner(votes->first.signer.hex());
      list[i].setFirst(data_of(consensus::encode(votes->first)));
      list[i].setSecond(data_of(consensus::encode(votes->second)));
    } else {
      const auto& proposals = std::get<consensus::ProposalEvidence>(all[i]);
      list[i].setKind("proposal");
      list[i].setSigner(machine_->trust_set().proposer(proposals.first.height, proposals.first.round).hex());
      list[i].setFirst(data_of(consensus::encode(proposals.first)));
      list[i].setSecond(data_of(consensus::encode(proposals.second)));
    }
  }
  return bus::Status();
}

}  // namespace skymesh::consensus_service
