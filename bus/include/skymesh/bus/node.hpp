// A Node is one process's presence on the bus: it serves methods and topics on the endpoints it listens on,
// and calls other nodes through Clients (client.hpp). Every socket of a Node belongs to its Reactor's thread;
// handlers run in fibers on that thread. Several Nodes may share one Reactor (and so one thread).
//
// Reliability contract (docs/bus.md has the table): every call has a deadline; answers are never dropped
// silently (an error reply with a stable code instead); retried requests are answered once, from a reply
// cache; queues are bounded and push back on the caller; sequence gaps and dead peers are detected and counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <capnp/any.h>
#include <capnp/schema.h>

#include "skymesh/bus/call_context.hpp"
#include "skymesh/bus/handlers.hpp"
#include "skymesh/bus/log.hpp"
#include "skymesh/bus/message.hpp"
#include "skymesh/bus/reactor.hpp"
#include "skymesh/bus/security.hpp"
#include "skymesh/bus/status.hpp"
#include "skymesh/bus/topic_log.hpp"

namespace skymesh::bus {

class Client;

struct NodeOptions {
  std::string name = "node";  // the serverlet's name, e.g. "crypto"
  std::string version = "0.1.0";
  Security security;                                    // CurveZMQ keys and allow list; empty: plain (loopback only)
  std::chrono::milliseconds default_timeout{5000};      // deadline of a call that names none
  std::chrono::milliseconds heartbeat_interval{1000};   // heartbeat sent to a peer idle this long
  int heartbeats_until_dead = 3;                        // missed intervals before a peer is declared dead
  size_t max_in_flight_per_peer = 1024;                 // calls beyond it wait (push back), never dropped
  std::chrono::milliseconds reply_cache_window{30000};  // how long answers are kept for retried requests
  size_t reply_cache_max_bytes = 64u << 20;
  uint32_t subscription_credit = 1024;  // events in flight per subscription
  // A handler fiber idle this long ends (checked every heartbeat_interval / 2); a busy node keeps as many as
  // its handlers ever blocked at once.
  std::chrono::milliseconds handler_idle{10000};
  LogLevel log_level = LogLevel::info;
};

struct MethodOptions {
  StateClass state_class = StateClass::PER_REQUEST;
  // invariant methods: the current version; a caller holding it is answered notModified without a call.
  std::function<uint64_t()> version;
  bool streaming = false;  // the handler may emit() streamItems before its reply
};

// A raw default handler: reads the request, fills the reply payload, returns ok or an error.
using RawHandler =
    std::function<Status(CallContext& context, const Message& request, capnp::AnyPointer::Builder reply)>;

// Counters a node keeps (sys.stats reports them).
struct NodeCounters {
  uint64_t received = 0, sent = 0, malformed = 0, duplicates = 0, gaps = 0, late_replies = 0, peers_dead = 0;
};

class Node {
 public:
  Node(Reactor& reactor, NodeOptions options);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  Reactor& reactor() { return reactor_; }
  const NodeOptions& options() const { return options_; }
  const NodeId& id() const;
  const Logger& logger() const;

  // Serving. listen() binds tcp://, ipc:// or inproc:// (repeatable). A non-loopback tcp address without
  // CurveZMQ keys is refused unless security.insecure is set.
  Status listen(const std::string& endpoint);
  // Endpoints actually bound (a tcp port of 0 or * is resolved to the port chosen).
  std::vector<std::string> endpoints() const;

  // Kind 1: the default function for `method`, whose requests are Req and replies Rep.
  template <typename Req, typename Rep>
  void handle(const std::string& method,
              std::function<Status(CallContext&, typename Req::Reader, typename Rep::Builder)> fn,
              MethodOptions options = {}) {
    handle_raw(
        method, capnp::Schema::from<Req>(), capnp::Schema::from<Rep>(),
        [fn = std::move(fn)](CallContext& context, const Message& request, capnp::AnyPointer::Builder reply) {
          return fn(context, request.payload<Req>(), reply.initAs<Rep>());
        },
        std::move(options));
  }
  // Kind 1 served by a member function of a service object, the usual serverlet shape:
  // `node.handle<Req, Rep>("svc.method", this, &Service::method, options)`. The object must outlive the node's
  // serving (services are held by the node: hold()).
  template <typename Req, typename Rep, typename T>
  void handle(const std::string& method, T* object, Status (T::*fn)(typename Req::Reader, typename Rep::Builder),
              MethodOptions options = {}) {
    handle<Req, Rep>(
        method,
        [object, fn](CallContext&, typename Req::Reader request, typename Rep::Builder reply) {
          return (object->*fn)(request, reply);
        },
        std::move(options));
  }
  void handle_raw(const std::string& method, capnp::StructSchema request_schema, capnp::StructSchema reply_schema,
                  RawHandler fn, MethodOptions options);

  // Kinds 2-4 (handlers.hpp). Ids are unique within this node and never reused.
  HandlerId bind_channel(std::shared_ptr<IncomingChannel> channel);
  HandlerId bind_function(BoundFunction fn);
  template <typename T>
  HandlerId bind_object(std::weak_ptr<T> object, void (T::*method)(Incoming&)) {
    auto alive = [object]() { return !object.expired(); };
    return bind_entry(object_method(std::move(object), method), std::move(alive));
  }
  void unbind(HandlerId id);

  // Topics. A topic is backed by a log: make_ring_log() by default, open_durable_log() for a feed that must
  // replay across restarts. publish() appends and pushes to live subscribers; returns the entry's seq.
  Status add_topic(const std::string& name, capnp::StructSchema event_schema, std::unique_ptr<TopicLog> log = nullptr);
  template <typename T, typename Fill>
  Result<uint64_t> publish(const std::string& topic, Fill&& fill) {
    return publish_raw(topic, [&fill](capnp::AnyPointer::Builder payload) { fill(payload.initAs<T>()); });
  }
  Result<uint64_t> publish_raw(const std::string& topic, const std::function<void(capnp::AnyPointer::Builder)>& fill);

  // A "peer dead" / "peer alive" event: the endpoint named and whether it is now alive.
  void on_peer_state(std::function<void(const std::string& endpoint, bool alive)> listener);

  const NodeCounters& counters() const;

  // Keeps `object` alive until this node is destroyed, and destroys it first then (the most recently held
  // first): a serverlet's services, which own clients, sockets or worker pools, must die while the node and its
  // reactor still live.
  void hold(std::shared_ptr<void> object) { held_.push_back(std::move(object)); }

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  HandlerId bind_entry(BoundFunction fn, std::function<bool()> alive);

  Reactor& reactor_;
  NodeOptions options_;
  std::vector<std::shared_ptr<void>> held_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skymesh::bus
