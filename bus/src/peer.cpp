// The connections a Node opens to other nodes (one DEALER per endpoint), their liveness (heartbeats), and the
// pending calls on them (deadlines, failover, answers).
#include <sodium.h>

#include "node_impl.hpp"

namespace skymesh::bus {
namespace {

constexpr int k_high_water_mark = 100000;

}  // namespace

std::shared_ptr<Peer> Node::Impl::peer_for(const std::string& endpoint, const ClientOptions& client_options) {
  auto found = peers.find(endpoint);
  if (found != peers.end()) return found->second;
  auto peer = std::make_shared<Peer>();
  peer->endpoint = endpoint;
  randombytes_buf(&peer->stream_id, sizeof peer->stream_id);
  peer->socket = std::make_unique<zmq::socket_t>(reactor.context(), zmq::socket_type::dealer);
  auto& socket = *peer->socket;
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::sndhwm, k_high_water_mark);
  socket.set(zmq::sockopt::rcvhwm, k_high_water_mark);
  // Queue nothing for a peer that is not connected: a send fails at once and the call tries another replica.
  socket.set(zmq::sockopt::immediate, 1);
  // Reconnect with back-off: 100 ms doubling up to 5 s.
  socket.set(zmq::sockopt::reconnect_ivl, 100);
  socket.set(zmq::sockopt::reconnect_ivl_max, 5000);
  if (options.security.keys && endpoint.rfind("tcp://", 0) == 0 && !client_options.server_public_key.empty()) {
    socket.set(zmq::sockopt::curve_serverkey, client_options.server_public_key);
    socket.set(zmq::sockopt::curve_publickey, options.security.keys->public_key);
    socket.set(zmq::sockopt::curve_secretkey, options.security.keys->secret_key);
  }
  socket.connect(endpoint);
  peer->last_recv = peer->last_send = Clock::now();
  std::weak_ptr<Peer> weak = peer;
  reactor.add_socket(socket, [this, weak](size_t max_messages) {
    if (auto strong = weak.lock()) on_peer_readable(strong, max_messages);
  });
  peers[endpoint] = peer;
  start_timers();
  return peer;
}

void Node::Impl::on_peer_readable(const std::shared_ptr<Peer>& peer, size_t max_messages) {
  for (size_t i = 0; i < max_messages && !stopped; ++i) {
    zmq::message_t frame;
    if (!peer->socket->recv(frame, zmq::recv_flags::dontwait)) return;
    if (frame.more()) {  // a well-formed message is one frame: drain the rest of this message
      ++counters.received;
      ++counters.malformed;
      while (frame.more() && peer->socket->recv(frame, zmq::recv_flags::dontwait)) {
      }
      continue;
    }
    peer->last_recv = Clock::now();
    detail::FrameReader reader(std::move(frame));
    while (auto decoded = reader.next()) {
      ++counters.received;
      if (!decoded->ok()) {
        ++counters.malformed;
        logger.warn("malformed_answer", {{"peer", peer->endpoint}, {"error", decoded->status().to_string()}});
        continue;
      }
      on_peer_message(*peer, decoded->value());
      if (stopped) return;
    }
  }
}

void Node::Impl::on_peer_message(Peer& peer, const MessagePtr& message) {
  if (message->stream_id() != peer.in_stream) {
    if (peer.in_stream != 0) {
      logger.info("peer_restarted", {{"peer", peer.endpoint}});
      ++peer.epoch;
    }
    peer.in_stream = message->stream_id();
  } else if (message->seq() != peer.in_seq + 1) {
    ++counters.gaps;
    logger.warn("sequence_gap", {{"peer", peer.endpoint},
                                 {"expected", std::to_string(peer.in_seq + 1)},
                                 {"got", std::to_string(message->seq())}});
  }
  peer.in_seq = message->seq();
  if (!peer.alive) set_peer_alive(peer, true);
  if (message->kind() == Kind::HEARTBEAT) return;
  deliver_answer(message);
}

void Node::Impl::deliver_answer(const MessagePtr& message) {
  const Kind kind = message->kind();
  const bool final_answer = kind == Kind::REPLY || kind == Kind::ERROR;
  const uint64_t request_id = message->request_id();
  if (message->handler_id() != 0) {
    deliver_to_bound(message->handler_id(), message, {});
    if (final_answer) finish_pending(request_id, message);  // delivered: the call just ends
    return;
  }
  if (kind == Kind::ERROR && request_id == 0) {
    logger.warn("peer_error", {{"error", message->status().to_string()}});
    return;
  }
  if (!final_answer) return;
  if (pending.find(request_id) == nullptr) {
    ++counters.late_replies;
    return;
  }
  finish_pending(request_id, message);
}

void Node::Impl::finish_pending(uint64_t request_id, Result<MessagePtr> result) {
  if (pending.find(request_id) == nullptr) return;
  // Finished where it lies; its deadline entry is skipped when it surfaces.
  const auto detached = pending.detach(request_id);
  PendingCall& call = *detached;
  if (call.peer) {
    if (call.peer->in_flight > 0) --call.peer->in_flight;
    if (call.peer->slot_waiters > 0) call.peer->slot_free.notify_one();
  }
  if (call.service) apply_cache(*call.service, call, result);
  if (call.promise) {
    call.promise.set_value(std::move(result));
  } else if (call.reply_to != 0 && !result.ok()) {
    // A stream's request ended without an answer (deadline, shutdown): its handler hears why.
    detail::Outgoing error(Kind::ERROR);
    auto env = error.envelope();
    env.setRequestId(request_id);
    env.setHandlerId(call.reply_to);
    env.setMethod(call.method);
    detail::set_error(env, result.status());
    deliver_to_bound(call.reply_to, std::move(error).to_message(), {});
  }
}

Status Node::Impl::send_to_peer(Peer& peer, detail::Outgoing& out, uint64_t request_id) {
  // A resend (failover or a revived peer) keeps its request id and is numbered anew for this stream (its
  // frame's header carries the stream, the number and this node's id).
  // Until the peer has answered once, for a subscribe, and for a big envelope, send at once: a send ZeroMQ
  // refuses (not connected) is known at once, so the caller tries another replica or subscribes again.
  const bool direct =
      peer.in_stream == 0 || out.envelope().getKind() == Kind::SUBSCRIBE || out.bigger_than(k_unbatched_words);
  // What is batched goes first (and a full batch goes now).
  if (direct || peer.batch.bytes() >= k_batch_flush_bytes) flush_peer(peer);
  if (direct) {
    zmq::message_t frame = out.to_frame(peer_stamp(peer, peer.out_seq + 1));
    if (!peer.socket->send(frame, zmq::send_flags::dontwait)) {
      return Status(ErrorCode::unavailable, "not connected to " + peer.endpoint);
    }
    peer.last_send = Clock::now();
  } else {
    out.append_to(peer.batch, peer.out_seq + 1);
    if (request_id != 0) peer.batch_requests.push_back(request_id);
    queue_flush(peer);
    note_batched();
  }
  ++peer.out_seq;
  ++counters.sent;
  return Status();
}

void Node::Impl::reroute_unsent(Peer& from, uint64_t request_id) {
  PendingCall* call = pending.find(request_id);
  if (!call || call->peer.get() != &from || !call->request) return;
  // To another live replica if there is one. Either way it is sent again shortly, never from inside a flush:
  // a frame no replica accepts would bounce between them.
  std::shared_ptr<Peer> next;
  if (call->service) {
    for (auto& replica : call->service->replicas) {
      if (replica.get() != &from && replica->alive) next = replica;
    }
  }
  if (next) {
    if (from.in_flight > 0) --from.in_flight;
    call->peer = next;
    ++next->in_flight;
    logger.info("call_failed_over", {{"method", call->method}, {"to", next->endpoint}});
  }
  if (!call->needs_resend) {
    call->needs_resend = true;
    ++calls_to_resend;
  }
  if (!resend_scheduled && !stopped) {
    // Not connected (yet, or any more): try again shortly, until it goes or its deadline passes.
    resend_scheduled = true;
    reactor.spawn([this]() {
      boost::this_fiber::sleep_for(k_resend_retry);
      resend_scheduled = false;
      if (!stopped) resend_marked();
    });
  }
}

void Node::Impl::resend(Peer& to, PendingCall& call, uint64_t request_id) {
  if (!send_to_peer(to, *call.request, request_id).ok()) reroute_unsent(to, request_id);
}

void Node::Impl::resend_marked() {
  if (calls_to_resend == 0) return;
  calls_to_resend = 0;
  for (uint64_t request_id : pending.ids()) {
    PendingCall* call = pending.find(request_id);
    if (!call || !call->needs_resend) continue;
    call->needs_resend = false;
    if (!call->peer || !call->request) continue;
    resend(*call->peer, *call, request_id);
  }
}

void Node::Impl::set_peer_alive(Peer& peer, bool alive) {
  if (peer.alive == alive) return;
  peer.alive = alive;
  if (!alive) {
    ++counters.peers_dead;
    logger.warn("peer_dead", {{"peer", peer.endpoint}});
  } else {
    ++peer.epoch;
    logger.info("peer_alive", {{"peer", peer.endpoint}});
  }
  for (auto& listener : peer_listeners) listener(peer.endpoint, alive);
  // Calls waiting on this peer: a dead one's go to another live replica; a revived one gets its own back.
  for (uint64_t request_id : pending.ids()) {
    PendingCall* found = pending.find(request_id);
    if (!found) continue;
    PendingCall& call = *found;
    if (call.peer.get() != &peer || !call.request) continue;
    std::shared_ptr<Peer> next;
    if (!alive && call.service) {
      for (auto& replica : call.service->replicas) {
        if (replica.get() != &peer && replica->alive) next = replica;
      }
    }
    if (next) {
      if (peer.in_flight > 0) --peer.in_flight;
      call.peer = next;
      ++next->in_flight;
      resend(*next, call, request_id);
      logger.info("call_failed_over", {{"method", call.method}, {"to", next->endpoint}});
    } else if (alive) {
      resend(peer, call, request_id);
    }
  }
  peer.slot_free.notify_all();
}

void Node::Impl::heartbeat_loop() {
  const auto interval = options.heartbeat_interval;
  const auto dead_after = interval * options.heartbeats_until_dead;
  boost::fibers::mutex mutex;
  while (!stopped) {
    {
      std::unique_lock<boost::fibers::mutex> lock(mutex);
      heartbeat_wake.wait_for(lock, interval / 2);
    }
    if (stopped) return;
    resend_marked();
    const auto now = Clock::now();
    retire_idle_handlers(now);
    std::vector<std::shared_ptr<Peer>> all;
    for (auto& [endpoint, peer] : peers) all.push_back(peer);
    for (auto& peer : all) {
      if (now - peer->last_send >= interval / 2) {
        detail::Outgoing ping(Kind::HEARTBEAT);
        (void)send_to_peer(*peer, ping);
      }
      if (peer->alive && now - peer->last_recv > dead_after) set_peer_alive(*peer, false);
    }
    // Callers silent for long are forgotten (their subscriptions with them).
    for (auto it = callers.begin(); it != callers.end();) {
      if (now - it->second.last_seen > dead_after * 4) {
        for (auto& [name, topic] : topics) {
          std::erase_if(topic.subscribers, [&it](const auto& sub) { return sub->identity == it->first; });
        }
        it = callers.erase(it);
        ++callers_forgotten;
      } else {
        ++it;
      }
    }
  }
}

PendingCall& Node::Impl::add_pending(uint64_t request_id, Clock::time_point deadline) {
  // Entries of calls that ended stay in the heap until they surface; keep them from piling up.
  if (deadlines.size() > 2 * pending.size() + 1024) {
    deadlines.compact([this](const detail::DeadlineHeap::Entry& entry) {
      const PendingCall* live = pending.find(entry.id);
      return live && live->deadline == entry.deadline;
    });
  }
  const bool earliest = deadlines.empty() || deadline < deadlines.top().deadline;
  deadlines.push(deadline, request_id);
  PendingCall& added = pending.emplace(request_id);
  added.deadline = deadline;
  if (earliest) deadlines_changed.notify_all();
  return added;
}

void Node::Impl::deadline_loop() {
  boost::fibers::mutex mutex;
  while (!stopped) {
    {
      std::unique_lock<boost::fibers::mutex> lock(mutex);
      if (deadlines.empty()) {
        deadlines_changed.wait(lock);
      } else {
        deadlines_changed.wait_until(lock, deadlines.top().deadline);
      }
    }
    const auto now = Clock::now();
    while (!deadlines.empty() && deadlines.top().deadline <= now) {
      const auto [deadline, request_id] = deadlines.top();
      deadlines.pop();
      PendingCall* found = pending.find(request_id);
      if (!found || found->deadline != deadline) continue;  // the call ended before its deadline
      if (found->peer) {
        // Tell the server we gave up so it can stop work and send nothing.
        detail::Outgoing cancel(Kind::CANCEL);
        cancel.envelope().setRequestId(request_id);
        (void)send_to_peer(*found->peer, cancel);
      }
      const bool never_sent = found->needs_resend || (found->peer && !found->peer->alive);
      finish_pending(request_id, Status(never_sent ? ErrorCode::unavailable : ErrorCode::deadline_exceeded,
                                        never_sent ? "no live replica answered before the deadline"
                                                   : "no answer before the deadline"));
    }
  }
}

}  // namespace skymesh::bus
