// The serving half of a Node: reads its ROUTER, checks every envelope, answers duplicates from the reply
// cache, runs handlers in fibers, and sends each answer exactly once.
#include <cstring>

#include <kj/exception.h>
#include <boost/fiber/fss.hpp>

#include "node_impl.hpp"

namespace skymesh::bus {
namespace {

boost::fibers::fiber_specific_ptr<CallScope>& scope_slot() {
  // Fiber-local by construction: each fiber sees its own CallScope. Not process state.
  static boost::fibers::fiber_specific_ptr<CallScope> slot;
  return slot;
}

// Handler calls under way on this thread (some may be blocked in their fibers): while there are none, no fiber
// has a call scope, and current_call_scope() skips the fiber-specific lookup.
thread_local unsigned scopes_set = 0;

// The current fiber's call scope slot, made on first use (once per fiber: handler fibers are long-lived).
CallScope* fiber_scope_slot() {
  CallScope* slot = scope_slot().get();
  if (!slot) {
    slot = new CallScope();
    scope_slot().reset(slot);
  }
  return slot;
}

// Sets the current fiber's call scope for the lifetime of a handler call, in `slot` (the fiber's slot, if the
// caller knows it) and restores it on exit, so nested calls in one fiber (a same-process call from a handler)
// see their own scope.
class ScopeGuard {
 public:
  ScopeGuard(CallScope scope, CallScope* slot) : slot_(slot ? slot : fiber_scope_slot()) {
    previous_ = *slot_;
    *slot_ = scope;
    ++scopes_set;
  }
  ~ScopeGuard() {
    *slot_ = previous_;
    --scopes_set;
  }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  CallScope* slot_ = nullptr;
  CallScope previous_;
};

// Starts loading a queued request's message (the object and the envelope words copied into it) into the cache
// while the request before it runs. A frame's requests are all decoded before the first one runs, so in a burst
// the later ones have left the first-level cache by the time their turn comes.
constexpr size_t k_prefetch_bytes = 768;
void prefetch_message(const Message* message) {
  const char* at = reinterpret_cast<const char*>(message);
  for (size_t offset = 0; offset < k_prefetch_bytes; offset += 64) __builtin_prefetch(at + offset);
}

// Requests answered without running a handler (duplicates, refusals) in a row before the clock is read again.
constexpr unsigned k_requests_per_clock_read = 16;

class ServerCallContext final : public CallContext {
 public:
  ServerCallContext(Node& node, MessagePtr request, Clock::time_point deadline, std::shared_ptr<bool> cancelled,
                    Responder* respond)
      : CallContext(node, std::move(request), deadline, std::move(cancelled)), respond_(respond) {}

  Status emit_raw(uint64_t payload_type, const std::function<void(capnp::AnyPointer::Builder)>& fill) override {
    if (cancelled()) return Status(ErrorCode::cancelled, "the caller cancelled");
    if (Clock::now() > deadline()) return Status(ErrorCode::deadline_exceeded, "deadline passed while streaming");
    detail::Outgoing item = detail::make_answer(request(), Kind::STREAM_ITEM);
    item.envelope().setPayloadType(payload_type);
    fill(item.envelope().getPayload());
    (*respond_)(std::move(item));
    return Status();
  }

 private:
  Responder* respond_;
};

class BoundIncoming final : public Incoming {
 public:
  BoundIncoming(MessagePtr message, Responder respond) : Incoming(std::move(message)), respond_(std::move(respond)) {}
  ~BoundIncoming() override {
    if (respond_ && is_request() && !answered_) {
      (void)fail(Status(ErrorCode::internal, "the handler dropped the request without answering"));
    }
  }
  Status reply_raw(uint64_t payload_type, const std::function<void(capnp::AnyPointer::Builder)>& fill) override {
    if (!respond_ || !is_request()) return Status(ErrorCode::failed_precondition, "only a request can be answered");
    if (answered_) return Status(ErrorCode::failed_precondition, "already answered");
    answered_ = true;
    detail::Outgoing out = detail::make_answer(message(), Kind::REPLY);
    out.envelope().setPayloadType(payload_type);
    fill(out.envelope().getPayload());
    respond_(std::move(out));
    return Status();
  }
  Status fail(Status error) override {
    if (!respond_ || !is_request()) return Status(ErrorCode::failed_precondition, "only a request can be answered");
    if (answered_) return Status(ErrorCode::failed_precondition, "already answered");
    answered_ = true;
    respond_(detail::make_error(message(), error));
    return Status();
  }

 private:
  Responder respond_;
  bool answered_ = false;
};

RequestKey request_key(std::string_view sender, uint64_t request_id) {
  RequestKey key;
  key.request_id = request_id;
  if (sender.size() == 16) {
    std::memcpy(&key.sender_high, sender.data(), 8);
    std::memcpy(&key.sender_low, sender.data() + 8, 8);
  }
  return key;
}

std::string routing_id(const zmq::message_t& frame) {
  return std::string(static_cast<const char*>(frame.data()), frame.size());
}

}  // namespace

CallScope current_call_scope() {
  if (scopes_set == 0) return CallScope{};
  CallScope* scope = scope_slot().get();
  return scope ? *scope : CallScope{};
}

void Node::Impl::on_router_readable(size_t max_messages) {
  // Bounded batch so one busy caller cannot starve the other sockets. One clock reading for the batch.
  const Clock::time_point now = Clock::now();
  expire_reply_cache(now);
  for (size_t i = 0; i < max_messages && !stopped; ++i) {
    zmq::message_t identity_frame;
    if (!router->recv(identity_frame, zmq::recv_flags::dontwait)) break;
    zmq::message_t body;
    size_t frames = 0;
    if (identity_frame.more() && router->recv(body, zmq::recv_flags::dontwait)) {
      frames = 1;
      for (bool more = body.more(); more;) {  // extra frames: counted and dropped
        zmq::message_t extra;
        if (!router->recv(extra, zmq::recv_flags::dontwait)) break;
        more = extra.more();
        ++frames;
      }
    }
    const std::string identity = routing_id(identity_frame);
    if (frames != 1) {
      ++counters.received;
      ++counters.malformed;
      logger.warn("malformed_frames", {{"frames", std::to_string(frames)}});
      continue;
    }
    detail::FrameReader reader(std::move(body));
    CallerState* caller = nullptr;  // looked up once per frame, again only if a caller was forgotten meanwhile
    uint64_t generation = 0;
    bool watermark_applied = false;
    while (auto decoded = reader.next()) {
      ++counters.received;
      if (!decoded->ok()) {
        ++counters.malformed;
        logger.warn("malformed_envelope", {{"error", decoded->status().to_string()}});
        // The sender is known by its routing id: tell it, so it does not wait for nothing.
        detail::Outgoing error(Kind::ERROR);
        detail::set_error(error.envelope(), decoded->status());
        send_to_caller(identity, error, now);  // the poll loop never waits
        continue;
      }
      if (!caller || generation != callers_forgotten) {
        caller = &callers[identity];
        generation = callers_forgotten;
      }
      if (!watermark_applied) {  // once per frame: the caller's requests below it are finished
        watermark_applied = true;
        const detail::FrameStamp& header = reader.header();
        if (header.done_below != 0 && header.sender.size() == 16) {
          uint64_t& below = done_below_of(request_key(header.sender, 0));
          below = std::max(below, header.done_below);
        }
      }
      on_caller_message(identity, *caller, decoded->value(), now);
    }
  }
  ensure_handler();
}

void Node::Impl::on_caller_message(const std::string& identity, CallerState& caller, const MessagePtr& message,
                                   Clock::time_point now) {
  caller.last_seen = now;
  const uint64_t stream = message->stream_id(), seq = message->seq();
  if (stream != 0 && stream == caller.in_stream) {  // 0: an unnumbered raw peer
    if (seq != caller.in_seq + 1) {
      ++counters.gaps;
      logger.warn("sequence_gap", {{"expected", std::to_string(caller.in_seq + 1)}, {"got", std::to_string(seq)}});
    }
  }
  caller.in_stream = stream;
  caller.in_seq = seq;

  switch (message->kind()) {
    case Kind::REQUEST:
      request_queue.push_back(RequestJob{identity, CallerRef{&caller, callers_forgotten}, message});
      break;
    case Kind::HEARTBEAT: {
      detail::Outgoing pong(Kind::HEARTBEAT);
      send_to_caller(identity, pong, now);
      break;
    }
    case Kind::CANCEL: {
      auto* entry = reply_cache.find(request_key(message->sender(), message->request_id()));
      if (entry && entry->cancelled) *entry->cancelled = true;
      break;
    }
    case Kind::SUBSCRIBE:
      on_subscribe(identity, message);
      break;
    case Kind::CREDIT:
      on_credit(identity, message);
      break;
    case Kind::UNSUBSCRIBE:
      on_unsubscribe(identity, message);
      break;
    default:
      ++counters.malformed;
      logger.warn("unexpected_kind", {{"kind", std::to_string(static_cast<int>(message->kind()))}});
  }
}

void Node::Impl::ensure_handler() {
  if (request_queue.empty() || awake_handlers > 0 || stopped) return;
  ++awake_handlers;
  if (!idle_handlers.empty()) {
    HandlerFiber* handler = idle_handlers.back();
    idle_handlers.pop_back();
    handler->woken = true;
    handler->wake.wake();
    return;
  }
  // Every handler fiber is busy (blocked in a handler) or none exists yet: start another. The heartbeat loop
  // retires it once it has been idle for long.
  start_timers();
  reactor.spawn([this]() { handler_loop(); });
}

void Node::Impl::retire_idle_handlers(Clock::time_point now) {
  // The list is a stack (the last one idle is woken first), so the longest idle are at its front.
  size_t count = 0;
  while (count < idle_handlers.size() && now - idle_handlers[count]->idle_since > options.handler_idle) ++count;
  for (size_t i = 0; i < count; ++i) {
    idle_handlers[i]->retired = true;
    idle_handlers[i]->wake.wake();
  }
  idle_handlers.erase(idle_handlers.begin(), idle_handlers.begin() + static_cast<std::ptrdiff_t>(count));
}

void Node::Impl::handler_loop() {
  // Started awake (ensure_handler counted it).
  HandlerFiber self;
  boost::fibers::context* const fiber = boost::fibers::context::active();
  CallScope* const scope = fiber_scope_slot();
  // One clock reading per request: the one taken after a handler ran is the next request's start. It is read
  // afresh after waiting, and after a few requests that read none (answered without running a handler).
  Clock::time_point now = Clock::now();
  unsigned unread = 0;
  while (!stopped) {
    if (!request_queue.empty()) {
      RequestJob job = std::move(request_queue.front());
      request_queue.pop_front();
      if (!request_queue.empty()) prefetch_message(request_queue.front().message.get());
      --awake_handlers;  // while the handler runs it may block: the queue is not this fiber's any more
      if (unread >= k_requests_per_clock_read) {
        now = Clock::now();
        unread = 0;
      }
      const Clock::time_point finished = run_request(job, now, scope);
      if (finished == now) {
        ++unread;
      } else {
        now = finished;
        unread = 0;
      }
      ++awake_handlers;
      // The queue is done: its answers go now rather than at the end of the turn.
      if (request_queue.empty()) flush_batches();
      continue;
    }
    --awake_handlers;
    self.woken = false;
    self.idle_since = now;
    idle_handlers.push_back(&self);
    while (!self.woken && !self.retired && !stopped) self.wake.wait(fiber);
    if (!self.woken) {  // retired (already off the idle list) or stopping: leave
      std::erase(idle_handlers, &self);
      return;
    }
    // ensure_handler counted this fiber awake again.
    now = Clock::now();
    unread = 0;
  }
  --awake_handlers;
}

Clock::time_point Node::Impl::run_request(RequestJob& job, Clock::time_point now, CallScope* scope_slot) {
  flush_batches_if_due(now);  // answers of the requests before this one waited long enough
  const std::string_view sender = job.message->sender();
  const RequestKey key = request_key(sender, job.message->request_id());
  const bool known_sender = !sender.empty();
  const Clock::time_point deadline = detail::steady_deadline(job.message->envelope().getDeadlineUs(), now);
  RemoteAnswer answer{std::move(job.identity), job.caller, key, known_sender, deadline, std::nullopt};
  // Used while dispatch_request runs: refers to `answer` (small enough for std::function to hold in place).
  Responder respond = [this, &answer](detail::Outgoing&& out) { answer_remote(answer, std::move(out)); };
  // A request for a bound object may be answered later, from its own fiber: that responder holds a copy.
  const std::function<Responder()> lasting = [this, &answer]() -> Responder {
    return [this, copy = answer](detail::Outgoing&& out) { answer_remote(copy, std::move(out)); };
  };
  Clock::time_point finished = now;
  dispatch_request(job.message, sender, std::move(respond), now, deadline, &lasting, &finished, scope_slot,
                   &answer.cache_number);
  return finished;
}

void Node::Impl::dispatch_request(const MessagePtr& request, std::string_view sender, Responder respond) {
  const Clock::time_point now = Clock::now();
  dispatch_request(request, sender, std::move(respond), now,
                   detail::steady_deadline(request->envelope().getDeadlineUs(), now));
}

void Node::Impl::dispatch_request(const MessagePtr& request, std::string_view sender, Responder respond,
                                  Clock::time_point now, Clock::time_point deadline,
                                  const std::function<Responder()>* lasting, Clock::time_point* finished,
                                  CallScope* scope_slot, std::optional<uint64_t>* cache_number) {
  auto env = request->envelope();
  const RequestKey key = request_key(sender, env.getRequestId());
  auto cancelled = std::allocate_shared<bool>(detail::PoolAllocator<bool>(), false);
  if (!sender.empty()) {
    auto [cached, fresh] = reply_cache.find_or_add(key, now + options.reply_cache_window);
    if (!fresh) {
      ++counters.duplicates;
      // Still running: its answer will come. Answered: send the same answer again, numbered anew. Answered
      // but not kept (a pure function): run it again below.
      if (!cached->answered) return;
      if (cached->answer) {
        respond(cached->answer->decode());
        return;
      }
      reply_cache.reset(*cached);
    }
    cached->cancelled = cancelled;
    if (cache_number) *cache_number = reply_cache.number_of(*cached);
  }
  if (now > deadline) {
    respond(
        detail::make_error(*request, Status(ErrorCode::deadline_exceeded, "deadline passed before the call started")));
    return;
  }
  // Null (all defaults) in most requests: not followed then.
  const auto extra = env.hasExtra() ? env.getExtra() : proto::Extra::Reader();
  if (extra.getTarget() != 0) {
    deliver_to_bound(extra.getTarget(), request, lasting ? (*lasting)() : std::move(respond));
    return;
  }
  const std::string_view method = request->method();
  auto found = methods.find(method);
  if (found == methods.end()) {
    respond(detail::make_error(
        *request, Status(ErrorCode::unknown_method, "no method " + std::string(method) + " on " + options.name)));
    return;
  }
  MethodEntry& entry = found->second;
  const uint64_t expected_type = entry.request_type;
  if (env.getPayloadType() != 0 && env.getPayloadType() != expected_type) {
    respond(detail::make_error(
        *request, Status(ErrorCode::bad_payload_type,
                         std::string(method) + " takes " + entry.request_schema.getShortDisplayName().cStr())));
    return;
  }
  if (entry.options.state_class == StateClass::INVARIANT && entry.options.version && extra.getCacheVersion() != 0 &&
      extra.getCacheVersion() == entry.options.version()) {
    detail::Outgoing same = detail::make_answer(*request, Kind::REPLY);
    auto same_extra = same.envelope().getExtra();
    same_extra.setNotModified(true);
    same_extra.setStateClass(StateClass::INVARIANT);
    same_extra.setCacheVersion(extra.getCacheVersion());
    respond(std::move(same));
    return;
  }

  const Clock::time_point begin = now;
  ServerCallContext context(node, request, deadline, std::move(cancelled), &respond);  // holds the cancel flag now
  detail::Outgoing out = detail::make_answer(*request, Kind::REPLY);
  Status status;
  try {
    ScopeGuard scope(CallScope{deadline, env.getTraceId()}, scope_slot);
    status = entry.fn(context, *request, out.envelope().getPayload());
  } catch (const kj::Exception& e) {
    ++counters.malformed;
    status = Status(ErrorCode::bad_request, std::string("payload did not decode as ") +
                                                entry.request_schema.getShortDisplayName().cStr() + ": " +
                                                e.getDescription().cStr());
  } catch (const StatusError& e) {
    status = e.status();
  } catch (const std::exception& e) {
    logger.error("handler_exception", {{"method", std::string(method)}, {"what", e.what()}});
    status = Status(ErrorCode::internal, std::string("handler failed: ") + e.what());
  }
  // Methods are never removed and a replaced one keeps its place in the map, so `entry` is the current entry.
  const Clock::time_point end = Clock::now();
  if (finished) *finished = end;
  entry.stats.record(end - begin, !status.ok());
  if (context.cancelled()) return;
  if (!status.ok()) {
    // Turn the prepared answer into the error (the request itself is not read again).
    auto answer = out.envelope();
    answer.getPayload().clear();
    detail::set_error(answer, status);
    respond(std::move(out));
    return;
  }
  out.envelope().setPayloadType(entry.reply_type);
  if (entry.options.state_class != StateClass::PER_REQUEST) {  // the default: no extra fields to send
    auto answer_extra = out.envelope().getExtra();
    answer_extra.setStateClass(entry.options.state_class);
    if (entry.options.state_class == StateClass::INVARIANT && entry.options.version) {
      answer_extra.setCacheVersion(entry.options.version());
    }
  }
  respond(std::move(out));
}

void Node::Impl::answer_remote(const RemoteAnswer& answer, detail::Outgoing&& out) {
  // Kept for a retry even if it could not be sent now (the caller may ask again).
  (void)send_to_caller(answer.identity, out, answer.deadline, answer.caller);
  const Kind kind = out.envelope().getKind();
  const RequestKey& key = answer.key;
  if (!answer.known_sender || (kind != Kind::REPLY && kind != Kind::ERROR)) return;
  const auto reply = out.envelope().asReader();
  if (kind == Kind::REPLY && reply.hasExtra() && reply.getExtra().getStateClass() == StateClass::INVARIANT_FUNCTIONAL) {
    // A pure function: running it again for a retry is harmless, so its answer (which may hold secrets, such
    // as derived keys) is not kept.
    if (auto* entry = reply_cache.find(key)) entry->answered = true;
    return;
  }
  remember_answer(answer, out);
}

void Node::Impl::remember_answer(const RemoteAnswer& answer_to, const detail::Outgoing& answer) {
  auto* entry =
      answer_to.cache_number ? reply_cache.at(*answer_to.cache_number, answer_to.key) : reply_cache.find(answer_to.key);
  if (!entry) return;
  // Its encoding is kept; the builder goes back to its pool when the caller is done with it.
  reply_cache.keep_answer(*entry, answer.encode());
  entry->cancelled.reset();
}

void Node::Impl::expire_reply_cache(Clock::time_point now) {
  while (!reply_cache.empty()) {
    const auto& oldest = reply_cache.oldest();
    const bool over_budget = reply_cache.answer_bytes() > options.reply_cache_max_bytes;
    const bool acknowledged = oldest.key.request_id < done_below_of(oldest.key);
    if (!over_budget && !acknowledged && oldest.expires > now) break;
    if (!oldest.answered && !over_budget) break;  // still running: keep until it answers
    reply_cache.drop_oldest();
  }
}

uint64_t& Node::Impl::done_below_of(const RequestKey& key) {
  // Requests come in runs from one sender: its entry is remembered (map entries never move).
  if (!last_done_below || last_done_below_sender != std::make_pair(key.sender_high, key.sender_low)) {
    last_done_below_sender = {key.sender_high, key.sender_low};
    last_done_below = &done_below[last_done_below_sender];
  }
  return *last_done_below;
}

bool Node::Impl::send_to_caller(const std::string& identity, detail::Outgoing& out, Clock::time_point deadline,
                                const CallerRef& known) {
  if (!router || stopped) return false;
  CallerState* found = still_valid(known);
  if (!found) found = &callers.try_emplace(identity).first->second;
  // While the caller's queue stays full its batch grows; past the backlog limit, wait (this fiber only) for
  // it to drain, until the deadline.
  while (found->batch.bytes() >= k_caller_backlog_bytes) {
    if (Clock::now() > deadline || stopped) {
      logger.warn("answer_not_sent", {{"reason", "caller queue full until the deadline"}});
      return false;
    }
    boost::this_fiber::sleep_for(std::chrono::milliseconds(1));
    if (!router || stopped) return false;
    found = &callers.try_emplace(identity).first->second;  // it may have been forgotten meanwhile
  }
  CallerState& caller = *found;
  // Numbered in this node's stream to the caller (the frame's header carries the number; no sender: what goes
  // back to a caller comes on the caller's own connection, which names this node).
  const uint64_t seq = ++caller.out_seq;
  ++counters.sent;
  const bool big = out.bigger_than(k_unbatched_words);
  if (big || caller.batch.bytes() >= k_batch_flush_bytes) {
    // What is batched goes first (and a full batch goes now); a big envelope then goes on its own.
    const FlushResult flushed = flush_caller(identity, caller);
    if (flushed == FlushResult::gone) return false;
    if (big && flushed == FlushResult::sent) {
      const FlushResult sent = send_to_router(identity, [this, &out, seq]() {
        return out.to_frame(detail::FrameStamp{stream_id, seq, {}, 0});
      });
      if (sent != FlushResult::blocked) return sent == FlushResult::sent;
      // Its queue is full: the envelope waits in the batch, which the turn hook tries again.
    }
  }
  out.append_to(caller.batch, seq);
  queue_flush(identity, caller);
  note_batched();
  return true;
}

void Node::Impl::deliver_to_bound(HandlerId id, const MessagePtr& message, Responder respond) {
  auto found = bound.find(id);
  if (found == bound.end()) {
    if (message->kind() == Kind::REQUEST && respond) {
      respond(detail::make_error(
          *message, Status(ErrorCode::unknown_handler, "handler id " + std::to_string(id) + " is not bound")));
    } else {
      ++counters.late_replies;
    }
    return;
  }
  BoundEntry& entry = found->second;
  if (entry.alive && !entry.alive()) {
    bound.erase(found);
    if (message->kind() == Kind::REQUEST && respond) {
      respond(detail::make_error(
          *message,
          Status(ErrorCode::handler_gone, "the object handler id " + std::to_string(id) + " named no longer exists")));
    }
    return;
  }
  auto incoming =
      std::make_shared<BoundIncoming>(message, message->kind() == Kind::REQUEST ? std::move(respond) : Responder{});
  if (entry.channel) {
    auto channel = entry.channel;
    if (channel->try_push(incoming) == boost::fibers::channel_op_status::full) {
      // Full: wait in a fiber of its own rather than drop (the producer is bounded by in-flight limits).
      reactor.spawn([channel, incoming]() mutable { channel->push(std::move(incoming)); });
    }
    return;
  }
  // Functions and objects may block: run them in a fiber (fibers start in arrival order).
  reactor.spawn([fn = entry.fn, incoming]() {
    try {
      fn(*incoming);
    } catch (const kj::Exception& e) {
      (void)incoming->fail(
          Status(ErrorCode::bad_request, std::string("payload did not decode: ") + e.getDescription().cStr()));
    } catch (const std::exception& e) {
      (void)incoming->fail(Status(ErrorCode::internal, e.what()));
    }
  });
}

}  // namespace skymesh::bus
