// Client-side streams and subscriptions: a channel bound to a handler id receives every answer or event.
#include <bit>

#include "node_impl.hpp"

namespace skymesh::bus {
namespace {

std::shared_ptr<IncomingChannel> make_channel(size_t capacity) {
  // Boost.Fiber's buffered_channel wants a power of two.
  return std::make_shared<IncomingChannel>(std::bit_ceil(std::max<size_t>(capacity, 2)));
}

}  // namespace

Stream::Stream(Client client, std::string method, size_t channel_capacity)
    : client_(std::move(client)), method_(std::move(method)), channel_(make_channel(channel_capacity)) {
  handler_ = client_.node().bind_channel(channel_);
}

Stream::~Stream() {
  client_.node().unbind(handler_);
  channel_->close();
}

Subscription::Subscription(Client client, std::string topic, uint64_t since)
    : client_(std::move(client)),
      topic_(std::move(topic)),
      channel_(make_channel(2 * client_.node().options().subscription_credit)),
      last_seq_(since == 0 ? 0 : since - 1) {
  handler_ = client_.node().bind_channel(channel_);
  (void)resubscribe();
}

Subscription::~Subscription() {
  ServiceState& service = *client_.state();
  Node::Impl& impl = client_.node().impl();
  for (auto& peer : service.replicas) {
    detail::Outgoing bye(Kind::UNSUBSCRIBE);
    bye.envelope().getExtra().setTopic(topic_);
    bye.envelope().setHandlerId(handler_);
    if (peer->alive) (void)impl.send_to_peer(*peer, bye);
  }
  client_.node().unbind(handler_);
  channel_->close();
}

Status Subscription::resubscribe() {
  ServiceState& service = *client_.state();
  if (service.replicas.empty()) return Status(ErrorCode::unavailable, "subscriptions need a remote target");
  Node::Impl& impl = client_.node().impl();
  // The first live replica (all replicas of a topic's service serve the same feed).
  std::shared_ptr<Peer> peer;
  for (auto& replica : service.replicas) {
    if (replica->alive) {
      peer = replica;
      break;
    }
  }
  if (!peer) peer = service.replicas.front();
  detail::Outgoing subscribe(Kind::SUBSCRIBE);
  auto env = subscribe.envelope();
  auto extra = env.getExtra();
  extra.setTopic(topic_);
  extra.setSince(last_seq_ + 1);
  env.setCredit(client_.node().options().subscription_credit);
  env.setHandlerId(handler_);
  consumed_since_credit_ = 0;
  subscribed_peer_ = peer.get();
  subscribed_epoch_ = peer->epoch;
  Status sent = impl.send_to_peer(*peer, subscribe);
  subscribe_unsent_ = !sent.ok();
  return sent;
}

Result<MessagePtr> Subscription::next(std::chrono::milliseconds timeout) {
  ServiceState& service = *client_.state();
  Node::Impl& impl = client_.node().impl();
  const auto give_up = Clock::now() + timeout;
  const auto slice = std::max(std::chrono::milliseconds(10), impl.options.heartbeat_interval / 2);
  for (;;) {
    // The serving replica restarted, revived or died: ask again from where we are.
    std::shared_ptr<Peer> serving;
    for (auto& replica : service.replicas) {
      if (replica->alive) {
        serving = replica;
        break;
      }
    }
    if (subscribe_unsent_ || (serving && (serving.get() != subscribed_peer_ || serving->epoch != subscribed_epoch_))) {
      (void)resubscribe();
    }
    IncomingPtr incoming;
    // Until the subscribe is out (no connection yet), look again soon.
    const Clock::duration this_slice = subscribe_unsent_ ? Clock::duration(std::chrono::milliseconds(5)) : slice;
    const auto wait = std::min<Clock::duration>(this_slice, give_up - Clock::now());
    const auto status = channel_->pop_wait_for(incoming, std::max<Clock::duration>(wait, Clock::duration::zero()));
    if (status == boost::fibers::channel_op_status::closed) {
      return Status(ErrorCode::cancelled, "subscription closed");
    }
    if (status == boost::fibers::channel_op_status::timeout) {
      if (Clock::now() >= give_up) return Status(ErrorCode::deadline_exceeded, "no event within the timeout");
      continue;
    }
    const MessagePtr& message = incoming->message_ptr();
    if (message->is_error()) return message->status();
    if (message->kind() != Kind::EVENT) continue;
    const uint64_t seq = message->event_seq();
    if (seq <= last_seq_) continue;  // already delivered before a resubscribe
    if (seq != last_seq_ + 1) {
      ++impl.counters.gaps;
      (void)resubscribe();
      continue;
    }
    last_seq_ = seq;
    if (++consumed_since_credit_ >= impl.options.subscription_credit / 2) {
      detail::Outgoing credit(Kind::CREDIT);
      credit.envelope().getExtra().setTopic(topic_);
      credit.envelope().setHandlerId(handler_);
      credit.envelope().setCredit(consumed_since_credit_);
      consumed_since_credit_ = 0;
      for (auto& replica : service.replicas) {
        if (replica->alive) {
          (void)impl.send_to_peer(*replica, credit);
          break;
        }
      }
    }
    return message;
  }
}

}  // namespace skymesh::bus
