// A Client reaches one service: one serverlet or several replicas of it. The same interface serves a node in
// the same process (a direct call, no socket), inproc://, ipc:// and tcp://; only the target differs.
//
// Targets: "tcp://host:port", "ipc://path", "inproc://name"; a comma-separated list of those (replicas);
// "dns+tcp://name:port" (every address the name resolves to, looked up again every 5 s);
// "registry+tcp://host:port/name" (every live instance of `name` that the admin serverlet at host:port lists,
// with the CurveZMQ key each registered; asked on the first call, then every 2 s in the background). A refresh
// drops replicas that are no longer named. Calls spread round-robin over live replicas and fail over to another
// when one dies.
//
// Threading: a Client belongs to its Node's reactor thread; calls block only the calling fiber.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <capnp/any.h>
#include <boost/fiber/future.hpp>

#include "skymesh/bus/call_future.hpp"
#include "skymesh/bus/handlers.hpp"
#include "skymesh/bus/message.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::bus {

class Node;
struct ServiceState;

struct ClientOptions {
  // Z85 CurveZMQ key of the service (tcp targets, when the node has keys); for a registry+tcp:// target, the
  // registry's key (each replica's key then comes from the registry).
  std::string server_public_key;
  bool cache = true;  // cache replies of invariant-functional / invariant methods
  // How often a dns+tcp:// or registry+tcp:// target is looked up again in the background; 0: every 5 s for DNS,
  // every 2 s for the registry.
  std::chrono::milliseconds refresh{0};
};

struct CallOptions {
  std::chrono::milliseconds timeout{0};  // 0: the node's default; never later than an inherited deadline
  HandlerId reply_to = 0;                // answers go to this bound handler instead of the call's future
  HandlerId target = 0;                  // a function or object bound on the serving node
};

using Fill = std::function<void(capnp::AnyPointer::Builder)>;

class Client {
 public:
  static Result<Client> connect(Node& node, const std::string& target, ClientOptions options = {});
  // A client of `server`, a node in this process on the same reactor as `caller`: calls run the handler directly
  // in the calling fiber.
  static Client local(Node& caller, Node& server);

  // Synchronous call: blocks this fiber until the reply, an error reply, or the deadline.
  template <typename Req, typename Rep, typename F>
  Result<Reply<Rep>> call(const std::string& method, F&& fill, CallOptions options = {}) {
    Result<MessagePtr> raw = call_raw(method, capnp::typeId<Req>(), typed_fill<Req>(fill), options);
    if (!raw.ok()) return raw.status();
    return Reply<Rep>(std::move(raw).value());
  }
  // Asynchronous call: sends now, returns a future; issue N, then wait on all.
  template <typename Req, typename F>
  RawFuture async_call(const std::string& method, F&& fill, CallOptions options = {}) {
    return async_call_raw(method, capnp::typeId<Req>(), typed_fill<Req>(fill), options);
  }

  Result<MessagePtr> call_raw(const std::string& method, uint64_t payload_type, const Fill& fill,
                              CallOptions options = {});
  RawFuture async_call_raw(const std::string& method, uint64_t payload_type, const Fill& fill,
                           CallOptions options = {});
  // Sends a request whose answers (streamItems, then the reply or error) all go to the bound handler
  // `reply_to`; returns once sent. A missing answer becomes deadline_exceeded delivered to that handler.
  Status send_raw(const std::string& method, uint64_t payload_type, const Fill& fill, CallOptions options);

  Node& node() const;
  std::vector<std::string> replicas() const;
  size_t live_replicas() const;
  const std::shared_ptr<ServiceState>& state() const { return state_; }

 private:
  template <typename Req, typename F>
  static Fill typed_fill(F& fill) {
    return [&fill](capnp::AnyPointer::Builder payload) { fill(payload.initAs<Req>()); };
  }
  explicit Client(std::shared_ptr<ServiceState> state) : state_(std::move(state)) {}
  std::shared_ptr<ServiceState> state_;
};

// Waits for every future (an async batch); the results in order.
std::vector<Result<MessagePtr>> wait_all(std::vector<RawFuture>& futures);

// Many requests in, one channel of answers out. Each send() is a request whose answers go to replies().
class Stream {
 public:
  Stream(Client client, std::string method, size_t channel_capacity = 1024);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  template <typename Req, typename F>
  Status send(F&& fill, std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
    return client_.send_raw(
        method_, capnp::typeId<Req>(), [&fill](capnp::AnyPointer::Builder payload) { fill(payload.initAs<Req>()); },
        CallOptions{timeout, handler_, 0});
  }
  IncomingChannel& replies() { return *channel_; }

 private:
  Client client_;
  std::string method_;
  std::shared_ptr<IncomingChannel> channel_;
  HandlerId handler_ = 0;
};

// "Everything since seq N, then live" on one topic. Gap-free: after a server restart or failover it
// resubscribes from the last seq it delivered + 1, and a seq it cannot get (a ring that dropped it) comes back
// as an out_of_range error rather than a silent skip.
class Subscription {
 public:
  Subscription(Client client, std::string topic, uint64_t since);
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // The next event (its seq is message->event_seq()), waiting at most `timeout`: deadline_exceeded then.
  Result<MessagePtr> next(std::chrono::milliseconds timeout);
  uint64_t last_seq() const { return last_seq_; }

 private:
  Status resubscribe();

  Client client_;
  std::string topic_;
  std::shared_ptr<IncomingChannel> channel_;
  HandlerId handler_ = 0;
  uint64_t last_seq_ = 0;
  uint32_t consumed_since_credit_ = 0;
  const void* subscribed_peer_ = nullptr;  // the replica serving us, and its epoch when we subscribed
  uint64_t subscribed_epoch_ = 0;
  bool subscribe_unsent_ = true;  // not connected yet: next() retries the subscribe
};

}  // namespace skymesh::bus
