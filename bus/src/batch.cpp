// Batches: the envelopes a node sends to one peer (its DEALER) or one caller (through its ROUTER) in a turn of
// the reactor travel as one frame. The turn hook sends them before the reactor polls again.
#include "node_impl.hpp"

namespace skymesh::bus {
namespace {

// A handler queue or a calling loop that keeps the reactor from turning sends what waited this long.
constexpr auto k_batch_flush_after = std::chrono::microseconds(200);
// A caller whose queue stays full: its batch is tried again this often.
constexpr auto k_flush_retry = std::chrono::milliseconds(1);

}  // namespace

void Node::Impl::queue_flush(Peer& peer) {
  if (peer.queued_flush) return;
  peer.queued_flush = true;
  flush_peers.push_back(peer.shared_from_this());
}

void Node::Impl::queue_flush(const std::string& identity, CallerState& caller) {
  if (caller.queued_flush) return;
  caller.queued_flush = true;
  flush_callers.push_back(CallerFlush{identity, CallerRef{&caller, callers_forgotten}});
}

void Node::Impl::note_batched() {
  if (batched) return;
  batched = true;
  batched_at = Clock::now();
}

void Node::Impl::flush_batches_if_due(Clock::time_point now) {
  if (batched && now - batched_at >= k_batch_flush_after) flush_batches();
}

void Node::Impl::flush_batches() {
  batched = false;
  // Indexed, and each peer held while it flushes: nothing flushing does may invalidate the list.
  for (size_t i = 0; i < flush_peers.size(); ++i) {
    std::shared_ptr<Peer> peer = flush_peers[i];
    flush_peer(*peer);
  }
  flush_peers.clear();
  if (flush_callers.empty()) return;
  flush_blocked.clear();
  for (CallerFlush& entry : flush_callers) {
    CallerState* caller = still_valid(entry.caller);
    if (!caller) {
      auto found = callers.find(entry.identity);
      if (found == callers.end()) continue;
      caller = &found->second;
    }
    if (flush_caller(entry.identity, *caller) == FlushResult::blocked) {
      flush_blocked.push_back(CallerFlush{std::move(entry.identity), CallerRef{caller, callers_forgotten}});
    }
  }
  flush_callers.swap(flush_blocked);  // both keep their capacity
  if (flush_callers.empty()) return;
  for (CallerFlush& entry : flush_callers) {
    CallerState* caller = still_valid(entry.caller);
    (caller ? *caller : callers[entry.identity]).queued_flush = true;
  }
  batched = true;
  batched_at = Clock::now();
  if (!flush_retry_scheduled && !stopped) {
    // Something must wake the reactor to try again: a fiber asleep for the retry interval does.
    flush_retry_scheduled = true;
    reactor.spawn([this]() {
      boost::this_fiber::sleep_for(k_flush_retry);
      flush_retry_scheduled = false;
    });
  }
}

void Node::Impl::flush_peer(Peer& peer) {
  peer.queued_flush = false;
  if (peer.batch.empty()) return;
  const size_t count = peer.batch.count();
  zmq::message_t frame = peer.batch.take(peer_stamp(peer, 0));
  if (peer.socket->send(frame, zmq::send_flags::dontwait)) {
    peer.batch_requests.clear();
    peer.last_send = Clock::now();  // once per frame: the heartbeat needs no finer time
    return;
  }
  // Not connected any more (or its queue is full): the batch's calls go to another replica or wait. (Lost
  // heartbeats, credits and cancels need nothing: liveness and deadlines take care of them.)
  if (peer.batch_requests.empty()) return;
  logger.info("batch_not_sent", {{"peer", peer.endpoint},
                                 {"envelopes", std::to_string(count)},
                                 {"calls", std::to_string(peer.batch_requests.size())}});
  std::vector<uint64_t> unsent;
  unsent.swap(peer.batch_requests);
  for (uint64_t request_id : unsent) reroute_unsent(peer, request_id);
}

Node::Impl::FlushResult Node::Impl::flush_caller(const std::string& identity, CallerState& caller) {
  caller.queued_flush = false;
  if (caller.batch.empty()) return FlushResult::sent;
  return send_to_router(identity, [this, &caller]() {
    return caller.batch.take(detail::FrameStamp{stream_id, 0, {}, 0});
  });
}

Node::Impl::FlushResult Node::Impl::send_to_router(const std::string& identity,
                                                   const std::function<zmq::message_t()>& frame) {
  try {
    zmq::message_t id_frame(identity.data(), identity.size());
    if (!router->send(id_frame, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return FlushResult::blocked;
    zmq::message_t body = frame();  // made only once the routing frame went: a blocked frame stays where it is
    router->send(body, zmq::send_flags::dontwait);
    return FlushResult::sent;
  } catch (const zmq::error_t& e) {
    // EHOSTUNREACH: the caller disconnected; what was for it has nowhere to go.
    logger.warn("caller_gone", {{"error", e.what()}});
    forget_caller(identity);
    return FlushResult::gone;
  }
}

}  // namespace skymesh::bus
