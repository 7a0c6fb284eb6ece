// Node construction, listening, handler registration and shutdown. The server side is in server.cpp, the
// client side in client.cpp and peer.cpp, topics in topics.cpp, CurveZMQ's ZAP handler in zap.cpp.
#include "skymesh/bus/node.hpp"

#include <sodium.h>

#include <stdexcept>

#include "node_impl.hpp"
#include "sys_methods.hpp"
#include "zap.hpp"

namespace skymesh::bus {
namespace {

constexpr int k_high_water_mark = 100000;

bool loopback_or_local(const std::string& endpoint) {
  if (endpoint.rfind("tcp://", 0) != 0) return true;  // ipc:// and inproc:// never leave the host
  const std::string host = endpoint.substr(6, endpoint.rfind(':') - 6);
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

}  // namespace

Node::Impl::Impl(Node& owner, Reactor& reactor_ref, const NodeOptions& node_options)
    : node(owner),
      reactor(reactor_ref),
      options(node_options),
      logger(node_options.name, node_options.log_level),
      started(Clock::now()) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(id.data(), id.size());
  randombytes_buf(&stream_id, sizeof stream_id);
}

Node::Node(Reactor& reactor, NodeOptions options)
    : reactor_(reactor), options_(std::move(options)), impl_(std::make_unique<Impl>(*this, reactor_, options_)) {
  impl_->stop_hook = reactor_.add_stop_hook([impl = impl_.get()]() { impl->fail_everything(); });
  impl_->turn_hook = reactor_.add_turn_hook([impl = impl_.get()]() {
    impl->ensure_handler();
    impl->flush_batches();  // every fiber ran: what they sent this turn goes before the reactor polls
  });
  add_sys_methods(*this);
}

Node::~Node() {
  while (!held_.empty()) held_.pop_back();
  reactor_.remove_stop_hook(impl_->stop_hook);
  reactor_.remove_turn_hook(impl_->turn_hook);
  impl_->stopped = true;
  if (impl_->router) reactor_.remove_socket(*impl_->router);
  if (impl_->zap) reactor_.remove_socket(*impl_->zap);
  for (auto& [endpoint, peer] : impl_->peers) reactor_.remove_socket(*peer->socket);
}

const NodeId& Node::id() const {
  return impl_->id;
}
const Logger& Node::logger() const {
  return impl_->logger;
}
const NodeCounters& Node::counters() const {
  return impl_->counters;
}
std::vector<std::string> Node::endpoints() const {
  return impl_->endpoints;
}

Status Node::listen(const std::string& endpoint) {
  Impl& impl = *impl_;
  const bool curve = options_.security.keys.has_value() && endpoint.rfind("tcp://", 0) == 0;
  if (!curve && !loopback_or_local(endpoint) && !options_.security.insecure) {
    return Status(ErrorCode::unauthorized,
                  "refusing to listen on " + endpoint + " without CurveZMQ keys (--key/--allow), or pass --insecure");
  }
  try {
    if (!impl.router) {
      impl.router = std::make_unique<zmq::socket_t>(reactor_.context(), zmq::socket_type::router);
      impl.router->set(zmq::sockopt::router_mandatory, 1);
      impl.router->set(zmq::sockopt::sndhwm, k_high_water_mark);
      impl.router->set(zmq::sockopt::rcvhwm, k_high_water_mark);
      impl.router->set(zmq::sockopt::linger, 0);
      if (options_.security.keys) {
        // The ZAP handler must be bound before the first CURVE socket binds.
        impl.zap = make_zap_handler(reactor_.context(), options_.security, impl.logger);
        reactor_.add_socket(*impl.zap,
                            [&impl](size_t) { serve_zap(*impl.zap, impl.node.options().security, impl.logger); });
        impl.router->set(zmq::sockopt::curve_server, 1);
        impl.router->set(zmq::sockopt::curve_secretkey, options_.security.keys->secret_key);
        impl.router->set(zmq::sockopt::zap_domain, "skymesh");
      }
      reactor_.add_socket(*impl.router, [&impl](size_t max_messages) { impl.on_router_readable(max_messages); });
      impl.start_timers();
    }
    impl.router->bind(endpoint);
    std::string bound = impl.router->get(zmq::sockopt::last_endpoint);
    impl.endpoints.push_back(bound);
    impl.logger.info("listening", {{"endpoint", bound}, {"curve", curve ? "yes" : "no"}});
  } catch (const zmq::error_t& e) {
    return Status(ErrorCode::unavailable, "cannot listen on " + endpoint + ": " + e.what());
  }
  return Status();
}

void Node::handle_raw(const std::string& method, capnp::StructSchema request_schema, capnp::StructSchema reply_schema,
                      RawHandler fn, MethodOptions options) {
  impl_->methods[method] = MethodEntry{std::move(fn),
                                       request_schema,
                                       reply_schema,
                                       std::move(options),
                                       {},
                                       request_schema.getProto().getId(),
                                       reply_schema.getProto().getId()};
}

HandlerId Node::bind_channel(std::shared_ptr<IncomingChannel> channel) {
  HandlerId id = impl_->next_handler++;
  impl_->bound[id] = BoundEntry{{}, {}, std::move(channel)};
  return id;
}

HandlerId Node::bind_function(BoundFunction fn) {
  return bind_entry(std::move(fn), {});
}

HandlerId Node::bind_entry(BoundFunction fn, std::function<bool()> alive) {
  HandlerId id = impl_->next_handler++;
  impl_->bound[id] = BoundEntry{std::move(fn), std::move(alive), nullptr};
  return id;
}

void Node::unbind(HandlerId id) {
  impl_->bound.erase(id);
}

void Node::on_peer_state(std::function<void(const std::string&, bool)> listener) {
  impl_->peer_listeners.push_back(std::move(listener));
}

void Node::Impl::start_timers() {
  if (timers_started) return;
  timers_started = true;
  reactor.spawn([this]() { heartbeat_loop(); });
  reactor.spawn([this]() { deadline_loop(); });
}

void Node::Impl::fail_everything() {
  flush_batches();  // answers already made still go
  stopped = true;
  deadlines_changed.notify_all();
  heartbeat_wake.notify_all();
  for (HandlerFiber* handler : idle_handlers) handler->wake.wake();
  request_queue.clear();
  for (uint64_t request_id : pending.ids()) {
    finish_pending(request_id, Status(ErrorCode::cancelled, "the node is shutting down"));
  }
  for (auto& [handler, entry] : bound) {
    if (entry.channel) entry.channel->close();
  }
  for (auto& [endpoint, peer] : peers) peer->slot_free.notify_all();
}

}  // namespace skymesh::bus
