// Client calls: target resolution, replica choice, push back on in-flight limits, same-process calls, and the
// client-side cache of invariant replies.
#include "skymesh/bus/client.hpp"

#include <sodium.h>

#include <algorithm>

#include <kj/exception.h>

#include "node_impl.hpp"
#include "resolver.hpp"

namespace skymesh::bus {
namespace {

constexpr size_t k_cache_entries = 4096;

// Round-robin over live replicas; a dead one only when none lives (it may be back).
std::shared_ptr<Peer> pick_replica(ServiceState& service, const Peer* avoid) {
  const size_t count = service.replicas.size();
  for (size_t i = 0; i < count; ++i) {
    auto& peer = service.replicas[(service.next_replica + i) % count];
    if (peer->alive && peer.get() != avoid) {
      service.next_replica = (service.next_replica + i + 1) % count;
      return peer;
    }
  }
  return service.replicas[service.next_replica++ % count];
}

std::string cache_key(const std::string& method, capnp::AnyPointer::Reader payload) {
  kj::Array<capnp::word> canonical =
      payload.isNull() ? kj::Array<capnp::word>() : payload.getAs<capnp::AnyStruct>().canonicalize();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(method.data()), method.size() + 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(canonical.begin()),
                            canonical.size() * sizeof(capnp::word));
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256_final(&state, reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

RawFuture ready_future(Result<MessagePtr> result) {
  return RawFuture::ready_with(std::move(result));
}

// Builds a request envelope for `method`, inheriting the current fiber's deadline and trace id.
// `now` is the one clock reading of the call.
detail::Outgoing make_request(Node::Impl& impl, const std::string& method, uint64_t payload_type, const Fill& fill,
                              const CallOptions& options, Clock::time_point now, Clock::time_point& deadline) {
  const CallScope scope = current_call_scope();
  const auto timeout = options.timeout.count() > 0 ? options.timeout : impl.options.default_timeout;
  deadline = std::min(now + timeout, scope.deadline);
  detail::Outgoing out(Kind::REQUEST);
  auto env = out.envelope();
  env.setMethod(method);
  env.setPayloadType(payload_type);
  env.setRequestId(impl.next_request_id++);
  env.setHandlerId(options.reply_to);
  if (options.target != 0) env.getExtra().setTarget(options.target);
  env.setDeadlineUs(detail::deadline_micros(deadline, now));
  uint64_t trace = scope.trace_id;
  // A fresh trace: unique per node and request without a syscall (the node's random stream id mixed in).
  if (trace == 0) trace = impl.stream_id ^ (env.getRequestId() * 0x9E3779B97F4A7C15ull);
  env.setTraceId(trace);
  if (fill) fill(env.getPayload());
  return out;
}

RawFuture local_call(Node::Impl& caller, ServiceState& service, detail::Outgoing&& request) {
  auto promise = std::make_shared<detail::CallPromise>(detail::CallPromise::make());
  RawFuture future = promise->get_future();
  MessagePtr message = std::move(request).to_message();
  const HandlerId reply_to = message->handler_id();
  Node::Impl& server = service.local_server->impl();
  // The handler runs right here, in the calling fiber: no socket, no serialization, no context switch.
  server.dispatch_request(message, {}, [&caller, promise, reply_to](detail::Outgoing&& out) {
    const Kind kind = out.envelope().getKind();
    MessagePtr answer = std::move(out).to_message();
    if (reply_to != 0) caller.deliver_to_bound(reply_to, answer, {});
    if (kind == Kind::REPLY || kind == Kind::ERROR) promise->set_value(std::move(answer));
  });
  return future;
}

}  // namespace

void Node::Impl::apply_cache(ServiceState& service, PendingCall& call, Result<MessagePtr>& result) {
  if (!service.options.cache || call.reply_to != 0 || !result.ok()) return;
  const MessagePtr& reply = result.value();
  // A reply without extra fields is per-request (not cached): known without following the pointer.
  if (reply->kind() != Kind::REPLY || !reply->envelope().hasExtra()) return;
  auto env = reply->envelope().getExtra();
  const StateClass state_class = env.getStateClass();
  if (!env.getNotModified() && state_class != StateClass::INVARIANT_FUNCTIONAL &&
      state_class != StateClass::INVARIANT) {
    return;
  }
  if (call.cache_key.empty()) {
    // The method's first cacheable reply: key it by the request kept for resends.
    if (!call.request) return;
    try {
      call.cache_key = cache_key(call.method, call.request->envelope().asReader().getPayload());
    } catch (const kj::Exception&) {
      return;
    }
  }
  const std::string& key = call.cache_key;
  if (env.getNotModified()) {
    auto cached = service.cache.find(key);
    if (cached != service.cache.end()) result = cached->second.reply;
    return;
  }
  const bool functional = state_class == StateClass::INVARIANT_FUNCTIONAL;
  service.functional_methods[call.method] = functional;
  if (service.cache.find(key) == service.cache.end()) service.cache_order.push_back(key);
  service.cache[key] = CachedReply{reply, env.getCacheVersion(), functional};
  while (service.cache_order.size() > k_cache_entries) {
    service.cache.erase(service.cache_order.front());
    service.cache_order.pop_front();
  }
}

Result<Client> Client::connect(Node& node, const std::string& target, ClientOptions options) {
  auto state = std::make_shared<ServiceState>();
  state->node = &node;
  state->target = target;
  state->names_dns = names_dns(target);
  state->options = std::move(options);
  if (is_registry_target(target)) {
    auto parsed = parse_registry_target(target);
    if (!parsed) return Status(ErrorCode::bad_request, "a registry target is registry+tcp://HOST:PORT/NAME: " + target);
    // The client's server key is the registry's; each replica's own key comes from its registration.
    auto registry = connect(node, parsed->registry, ClientOptions{state->options.server_public_key, false});
    if (!registry.ok()) return registry.status();
    state->registry = std::make_unique<Client>(std::move(registry).value());
    state->registry_name = parsed->name;
    state->options.server_public_key.clear();
    return Client(std::move(state));  // resolved on the first call (asking the registry needs a fiber)
  }
  Status status = resolve_replicas(node.impl(), *state);
  if (!status.ok()) return status;
  return Client(std::move(state));
}

Client Client::local(Node& caller, Node& server) {
  auto state = std::make_shared<ServiceState>();
  state->node = &caller;
  state->local_server = &server;
  state->target = "local:" + server.options().name;
  return Client(std::move(state));
}

Node& Client::node() const {
  return *state_->node;
}

std::vector<std::string> Client::replicas() const {
  std::vector<std::string> endpoints;
  for (auto& peer : state_->replicas) endpoints.push_back(peer->endpoint);
  return endpoints;
}

size_t Client::live_replicas() const {
  if (state_->local_server) return 1;
  return static_cast<size_t>(
      std::count_if(state_->replicas.begin(), state_->replicas.end(), [](const auto& peer) { return peer->alive; }));
}

RawFuture Client::async_call_raw(const std::string& method, uint64_t payload_type, const Fill& fill,
                                 CallOptions options) {
  ServiceState& service = *state_;
  Node::Impl& impl = service.node->impl();
  if (impl.stopped) return ready_future(Status(ErrorCode::cancelled, "the node is shutting down"));
  const Clock::time_point now = Clock::now();
  Clock::time_point deadline;
  detail::Outgoing request = make_request(impl, method, payload_type, fill, options, now, deadline);
  if (service.local_server) return local_call(impl, service, std::move(request));

  // Client-side cache. Only methods whose replies said they are cacheable pay for a key (SHA-256 of the
  // canonical request); the first reply of such a method is stored from the kept frame (finish_pending).
  std::string key;
  if (service.options.cache && options.reply_to == 0) {
    if (!service.functional_methods.empty() && service.functional_methods.count(method)) {
      key = cache_key(method, request.envelope().getPayload().asReader());
      auto cached = service.cache.find(key);
      if (cached != service.cache.end()) {
        if (cached->second.functional) return ready_future(cached->second.reply);
        request.envelope().getExtra().setCacheVersion(cached->second.version);
      }
    }
  }
  if (Status resolved = refresh_if_due(impl, state_, now); !resolved.ok()) return ready_future(std::move(resolved));

  // Pick a replica with a free in-flight slot; wait (this fiber only) while all are full or unreachable.
  std::shared_ptr<Peer> peer;
  const Peer* failed = nullptr;
  for (;;) {
    // A registry refresh (in another fiber, while this one waited) may have found no instance left.
    if (service.replicas.empty()) {
      return ready_future(Status(ErrorCode::unavailable, "no live replica of " + service.target));
    }
    peer = pick_replica(service, failed);
    while (peer->in_flight >= impl.options.max_in_flight_per_peer && !impl.stopped) {
      boost::fibers::mutex mutex;
      std::unique_lock<boost::fibers::mutex> lock(mutex);
      ++peer->slot_waiters;
      const auto status = peer->slot_free.wait_until(lock, deadline);
      --peer->slot_waiters;
      if (status == boost::fibers::cv_status::timeout) {
        return ready_future(Status(ErrorCode::overloaded, "too many calls in flight to " + peer->endpoint));
      }
    }
    if (impl.stopped) return ready_future(Status(ErrorCode::cancelled, "the node is shutting down"));
    const uint64_t request_id = request.envelope().getRequestId();
    if (impl.send_to_peer(*peer, request, request_id).ok()) {
      impl.flush_batches_if_due(now);
      ++peer->in_flight;
      PendingCall& call = impl.add_pending(request_id, deadline);
      call.reply_to = options.reply_to;
      call.peer = std::move(peer);
      call.service = state_;
      call.request.emplace(std::move(request));
      call.method = method;
      call.cache_key = std::move(key);
      if (options.reply_to != 0) return ready_future(Status());
      call.promise = detail::CallPromise::make();
      return call.promise.get_future();
    }
    // Not connected (yet, or any more): try another replica, then wait a moment for a connection.
    failed = peer.get();
    if (Clock::now() >= deadline) {
      return ready_future(Status(ErrorCode::unavailable, "no replica of " + service.target + " reachable"));
    }
    if (service.replicas.size() == 1 ||
        !std::any_of(service.replicas.begin(), service.replicas.end(),
                     [failed](const auto& p) { return p.get() != failed && p->alive; })) {
      boost::this_fiber::sleep_for(std::chrono::milliseconds(2));
      failed = nullptr;
    }
  }
}

Result<MessagePtr> Client::call_raw(const std::string& method, uint64_t payload_type, const Fill& fill,
                                    CallOptions options) {
  RawFuture future = async_call_raw(method, payload_type, fill, options);
  // This fiber waits for the answer from here on: its request goes now rather than at the end of the turn.
  state_->node->impl().flush_batches();
  Result<MessagePtr> result = future.get();
  if (!result.ok()) return result;
  if (result.value()->is_error()) return result.value()->status();
  return result;
}

Status Client::send_raw(const std::string& method, uint64_t payload_type, const Fill& fill, CallOptions options) {
  if (options.reply_to == 0) return Status(ErrorCode::bad_request, "send_raw needs a reply_to handler");
  RawFuture sent = async_call_raw(method, payload_type, fill, options);
  // For a remote call the future is ready at once (answers go to the handler); it only carries send errors.
  if (sent.ready()) {
    Result<MessagePtr> result = sent.get();
    if (!result.ok() && result.status().code() != ErrorCode::ok) return result.status();
  }
  return Status();
}

std::vector<Result<MessagePtr>> wait_all(std::vector<RawFuture>& futures) {
  std::vector<Result<MessagePtr>> results;
  results.reserve(futures.size());
  for (auto& future : futures) {
    Result<MessagePtr> result = future.get();
    if (result.ok() && result.value()->is_error()) result = result.value()->status();
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace skymesh::bus
