// Private state of a Node, shared by its server side (server.cpp), client side (client.cpp, peer.cpp), topics
// (topics.cpp) and security (zap.cpp). Everything here lives on the reactor thread.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/fiber/all.hpp>
#include <zmq.hpp>

#include "block_pool.hpp"
#include "call_promise.hpp"
#include "fiber_waiter.hpp"
#include "pending_calls.hpp"
#include "reply_cache.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"
#include "stats.hpp"
#include "wire.hpp"

namespace skymesh::bus {

using Clock = std::chrono::steady_clock;

// A batch this big is sent at once instead of at the end of the turn (batch.cpp).
constexpr size_t k_batch_flush_bytes = 64u << 10;
// An envelope this big is never copied into a batch: it goes out on its own (after the batch before it).
constexpr size_t k_unbatched_words = 2048;
// A caller's batch that cannot be sent (its queue is full) takes at most this much; answers beyond it wait.
constexpr size_t k_caller_backlog_bytes = 4u << 20;
// A call whose frame could not be sent (not connected) is tried again this often until its deadline.
constexpr auto k_resend_retry = std::chrono::milliseconds(2);

using Responder = std::function<void(detail::Outgoing&&)>;

struct MethodEntry {
  RawHandler fn;
  capnp::StructSchema request_schema;
  capnp::StructSchema reply_schema;
  MethodOptions options;
  detail::MethodStats stats;
  uint64_t request_type = 0;  // the schemas' ids, read once
  uint64_t reply_type = 0;
};

struct BoundEntry {
  BoundFunction fn;                          // kinds 3 and 4
  std::function<bool()> alive;               // kind 4: false once the object died
  std::shared_ptr<IncomingChannel> channel;  // kind 2
};

// A caller of this node's ROUTER, known by its ZeroMQ routing id.
struct CallerState {
  uint64_t in_stream = 0;  // the caller's stream id and last seq seen (gap detection)
  uint64_t in_seq = 0;
  uint64_t out_seq = 0;  // our stream toward it
  Clock::time_point last_seen;
  detail::FrameBatch batch;   // answers and events waiting for the end of the turn (see send_to_caller)
  bool queued_flush = false;  // listed in flush_callers
};

// A caller's state as found when a request arrived, valid while no caller has been forgotten since (callers is
// a node-based map: entries never move, they only go away): saves looking the routing id up again per answer.
struct CallerRef {
  CallerState* state = nullptr;
  uint64_t generation = 0;  // callers_forgotten when it was found
};

// Hashes std::string and std::string_view alike: a map keyed by std::string is searched with a view, without
// making a string (which allocates for a name longer than the inline buffer).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

// Where the answer to a remote request goes.
struct RemoteAnswer {
  std::string identity;  // routing id of the caller's connection
  CallerRef caller;
  RequestKey key;
  bool known_sender = false;  // the caller named itself: its answers are kept for retries
  Clock::time_point deadline;
  std::optional<uint64_t> cache_number;  // its reply-cache entry's arrival number, once dispatch_request made it
};

// A request waiting for a handler fiber.
struct RequestJob {
  std::string identity;  // routing id of the caller's connection
  CallerRef caller;
  MessagePtr message;  // its sender() is the caller's node id
};

// A long-lived fiber that runs queued requests one after another; while idle it waits to be woken, or to be
// retired by the heartbeat loop once it has been idle for long (an untimed wait: waking it costs no timer).
struct HandlerFiber {
  bool woken = false;
  bool retired = false;
  std::chrono::steady_clock::time_point idle_since;
  detail::FiberWaiter wake;  // the fiber waits here while idle
};

struct Subscriber {
  std::string identity;   // routing id of the subscriber's connection
  HandlerId handler = 0;  // its channel, echoed in every event
  uint64_t next_seq = 1;  // the next entry to send
  uint32_t credit = 0;    // events it accepts before the next credit message
  bool pumping = false;
};

struct Topic {
  std::string name;
  capnp::StructSchema event_schema;
  std::unique_ptr<TopicLog> log;
  bool durable = false;
  std::vector<std::shared_ptr<Subscriber>> subscribers;
};

// One connection (DEALER) from this node to one endpoint, shared by every Client that names it.
struct Peer : std::enable_shared_from_this<Peer> {
  std::string endpoint;
  std::unique_ptr<zmq::socket_t> socket;
  uint64_t stream_id = 0;
  uint64_t out_seq = 0;
  uint64_t in_stream = 0;  // the server's stream id: a change means it restarted
  uint64_t in_seq = 0;
  uint64_t epoch = 0;  // bumps when the peer comes back (restart or revival): resubscribe
  bool alive = true;
  size_t in_flight = 0;
  boost::fibers::condition_variable slot_free;
  size_t slot_waiters = 0;  // fibers waiting on slot_free (a reply notifies only when some wait)
  Clock::time_point last_recv;
  Clock::time_point last_send;
  detail::FrameBatch batch;              // envelopes waiting for the end of the turn (see send_to_peer)
  std::vector<uint64_t> batch_requests;  // the requests among them: rerouted if the frame cannot go
  bool queued_flush = false;             // listed in flush_peers
};

struct PendingCall {
  detail::CallPromise promise;  // or reply_to
  HandlerId reply_to = 0;
  std::shared_ptr<Peer> peer;
  std::shared_ptr<ServiceState> service;
  // The request as built (its builder, not a copy), kept to send the same request (same id) again after a
  // failover; numbered anew each time it goes.
  std::optional<detail::Outgoing> request;
  Clock::time_point deadline;
  std::string method;
  std::string cache_key;      // non-empty: store an invariant(-functional) reply under it
  bool needs_resend = false;  // its frame could not be sent: sent again shortly (reroute_unsent)
};

struct CachedReply {
  MessagePtr reply;
  uint64_t version = 0;
  bool functional = false;
};

struct ServiceState {
  Node* node = nullptr;
  Node* local_server = nullptr;  // same-process target
  std::string target;
  bool names_dns = false;  // target names a dns+tcp:// service: its addresses are looked up again now and then
  ClientOptions options;
  std::vector<std::shared_ptr<Peer>> replicas;
  size_t next_replica = 0;
  std::unordered_map<std::string, bool> functional_methods;  // learned from replies' state class
  std::unordered_map<std::string, CachedReply> cache;
  std::deque<std::string> cache_order;
  Clock::time_point resolved_at;
  // registry+tcp:// targets (resolver.hpp): the admin serverlet's client and the name to ask it for.
  std::unique_ptr<Client> registry;
  std::string registry_name;
  bool refreshing = false;  // a background refresh is under way
};

struct Node::Impl {
  Impl(Node& owner, Reactor& reactor, const NodeOptions& options);

  Node& node;
  Reactor& reactor;
  const NodeOptions& options;
  Logger logger;
  NodeId id{};
  uint64_t stream_id = 0;
  Clock::time_point started;
  NodeCounters counters;
  bool stopped = false;
  int stop_hook = 0;

  // Server side.
  std::unique_ptr<zmq::socket_t> router;
  std::unique_ptr<zmq::socket_t> zap;
  std::vector<std::string> endpoints;
  std::unordered_map<std::string, MethodEntry, StringHash, std::equal_to<>> methods;  // found by string_view
  std::unordered_map<std::string, CallerState> callers;
  detail::ReplyCache reply_cache;
  // Per sender (its node id halves): the doneBelow it last claimed; its answers below that are dropped.
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> done_below;
  std::pair<uint64_t, uint64_t> last_done_below_sender;
  uint64_t* last_done_below = nullptr;
  uint64_t& done_below_of(const RequestKey& key);
  std::map<std::string, Topic> topics;

  // Handler ids (kinds 2-4).
  std::unordered_map<HandlerId, BoundEntry> bound;
  HandlerId next_handler = 1;

  // Client side.
  std::unordered_map<std::string, std::shared_ptr<Peer>> peers;
  detail::PendingCalls<PendingCall> pending;  // by request id: oldest() is the oldest still waiting
  detail::DeadlineHeap deadlines;
  boost::fibers::condition_variable deadlines_changed;  // wakes the deadline loop (earlier deadline, stop)
  boost::fibers::condition_variable heartbeat_wake;     // wakes the heartbeat loop at stop
  uint64_t next_request_id = 1;
  std::vector<std::function<void(const std::string&, bool)>> peer_listeners;
  bool timers_started = false;

  // Batches (batch.cpp). The envelopes a reactor turn makes for one peer or caller travel as one frame, sent by
  // the turn hook before the reactor polls again (no added latency: the turn ends when every fiber waits), when
  // the batch reaches k_batch_flush_bytes, or when a handler queue has kept it k_batch_flush_after. A big
  // envelope, and any envelope to a peer that never answered yet, goes on its own at once.
  std::vector<std::shared_ptr<Peer>> flush_peers;
  struct CallerFlush {
    std::string identity;
    CallerRef caller;
  };
  std::vector<CallerFlush> flush_callers;
  std::vector<CallerFlush> flush_blocked;  // flush_batches' scratch list, swapped with flush_callers (no realloc)
  bool batched = false;                    // some batch holds envelopes (since batched_at)
  Clock::time_point batched_at;
  bool flush_retry_scheduled = false;
  size_t calls_to_resend = 0;  // calls marked needs_resend
  bool resend_scheduled = false;
  void queue_flush(Peer& peer);
  void queue_flush(const std::string& identity, CallerState& caller);
  // The caller's state if `ref` is still valid, else nullptr (look it up by routing id).
  CallerState* still_valid(const CallerRef& ref) const {
    return ref.generation == callers_forgotten ? ref.state : nullptr;
  }
  void note_batched();
  void flush_batches();
  void flush_batches_if_due(Clock::time_point now);
  void flush_peer(Peer& peer);
  enum class FlushResult { sent, blocked, gone };
  FlushResult flush_caller(const std::string& identity, CallerState& caller);
  // Sends [routing id, frame()] through the ROUTER; frame() is made only if the routing frame went. A caller
  // gone is forgotten.
  FlushResult send_to_router(const std::string& identity, const std::function<zmq::message_t()>& frame);

  // Handler fibers (server.cpp). Requests wait in arrival order in `request_queue`; an awake handler fiber runs
  // them one after another (no fiber switch per request). A handler that blocks (or yields) stops being awake,
  // and the next turn of the poll loop (turn hook) wakes an idle fiber or starts a new one for the rest, so a
  // blocked handler never holds up other requests and concurrency stays unbounded as with a fiber per request.
  std::deque<RequestJob> request_queue;
  std::vector<HandlerFiber*> idle_handlers;
  size_t awake_handlers = 0;  // handler fibers that will look at request_queue before they block
  int turn_hook = 0;
  void ensure_handler();
  void retire_idle_handlers(Clock::time_point now);
  void handler_loop();
  // Runs a queued request; `now` is a recent clock reading. Returns the clock read after its handler ran (`now`
  // if nothing read the clock), which the next request starts with. `scope_slot`: the running fiber's call
  // scope slot (see dispatch_request).
  Clock::time_point run_request(RequestJob& job, Clock::time_point now, CallScope* scope_slot);

  // server.cpp
  void on_router_readable(size_t max_messages);
  void on_caller_message(const std::string& identity, CallerState& caller, const MessagePtr& message,
                         Clock::time_point now);
  // Erases a caller (gone, or silent for long); counted, so a CallerState* held across sends is looked up again.
  void forget_caller(const std::string& identity) {
    callers.erase(identity);
    ++callers_forgotten;
  }
  uint64_t callers_forgotten = 0;
  // Runs a request (sender: the caller's node id, empty for a same-process call: no deduplication).
  void dispatch_request(const MessagePtr& request, std::string_view sender, Responder respond);
  // `lasting`, if given, makes a responder that may outlive this call (for a request to a bound object).
  // `finished`, if given, receives the clock read after the handler ran (left alone if no handler ran).
  // `scope_slot`, if given, is the calling fiber's call scope slot (a handler fiber finds its own once), else the
  // handler's scope is set through a fiber-specific lookup. `cache_number`, if given, receives the arrival
  // number of the request's reply-cache entry (see ReplyCache::at), before the handler runs.
  void dispatch_request(const MessagePtr& request, std::string_view sender, Responder respond, Clock::time_point now,
                        Clock::time_point deadline, const std::function<Responder()>* lasting = nullptr,
                        Clock::time_point* finished = nullptr, CallScope* scope_slot = nullptr,
                        std::optional<uint64_t>* cache_number = nullptr);
  // Sends `out` to the caller with that routing id, or queues it in the caller's batch; false if it cannot go
  // (the caller is gone, or its queue stayed full until the deadline).
  bool send_to_caller(const std::string& identity, detail::Outgoing& out, Clock::time_point deadline,
                      const CallerRef& known = {});
  void answer_remote(const RemoteAnswer& answer, detail::Outgoing&& out);
  // Keeps `answer` in the reply-cache entry of `answer_to` (found by its arrival number when known).
  void remember_answer(const RemoteAnswer& answer_to, const detail::Outgoing& answer);
  void expire_reply_cache(Clock::time_point now);

  // topics.cpp
  void on_subscribe(const std::string& identity, const MessagePtr& message);
  void on_credit(const std::string& identity, const MessagePtr& message);
  void on_unsubscribe(const std::string& identity, const MessagePtr& message);
  void pump(Topic& topic, const std::shared_ptr<Subscriber>& subscriber);

  // client.cpp / peer.cpp
  std::shared_ptr<Peer> peer_for(const std::string& endpoint, const ClientOptions& options);
  void on_peer_readable(const std::shared_ptr<Peer>& peer, size_t max_messages);
  void on_peer_message(Peer& peer, const MessagePtr& message);
  void deliver_answer(const MessagePtr& message);
  void deliver_to_bound(HandlerId id, const MessagePtr& message, Responder respond);
  // Numbers `out` for the peer's stream and sends it, or queues it in the peer's batch. Fails only when the
  // envelope went out on its own and ZeroMQ refused it (not connected). `request_id`: a request among them.
  Status send_to_peer(Peer& peer, detail::Outgoing& out, uint64_t request_id = 0);
  // The header of a frame to `peer` whose first envelope is number `first_seq`: this node's id, and the
  // reply-cache watermark (every request below the oldest pending one is finished).
  detail::FrameStamp peer_stamp(const Peer& peer, uint64_t first_seq) const {
    return detail::FrameStamp{peer.stream_id, first_seq,
                              std::string_view(reinterpret_cast<const char*>(id.data()), id.size()),
                              pending.empty() ? next_request_id : pending.oldest()};
  }
  // A call whose frame could not be sent: to another live replica, or marked to be sent again.
  void reroute_unsent(Peer& from, uint64_t request_id);
  // Sends a pending call's kept request again (same id) to `to`; if it cannot go, reroutes it.
  void resend(Peer& to, PendingCall& call, uint64_t request_id);
  void resend_marked();
  void set_peer_alive(Peer& peer, bool alive);
  void finish_pending(uint64_t request_id, Result<MessagePtr> result);
  void start_timers();
  void heartbeat_loop();
  void deadline_loop();
  // Adds a call sent with this request id and its deadline (waking the deadline loop if it is the earliest);
  // the caller fills in the rest of the call where it lies.
  PendingCall& add_pending(uint64_t request_id, Clock::time_point deadline);
  void fail_everything();
  // client.cpp: the reply cache of a service (invariant and invariant-functional methods).
  void apply_cache(ServiceState& service, PendingCall& call, Result<MessagePtr>& result);
  std::string sender_key() const { return std::string(reinterpret_cast<const char*>(id.data()), id.size()); }
};

}  // namespace skymesh::bus
