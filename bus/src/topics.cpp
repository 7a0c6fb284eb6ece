// Publish/subscribe. Each subscriber is a cursor into the topic's log plus a credit (how many more events it
// accepts): the same code replays history ("since N") and pushes live events, and a slow subscriber only
// lags in the log, never in a queue of its own. An entry the log no longer holds is reported, not skipped.
#include <cstring>

#include <capnp/serialize.h>

#include "node_impl.hpp"

namespace skymesh::bus {
namespace {

constexpr size_t k_ring_entries = 65536;
constexpr size_t k_ring_bytes = 64u << 20;
constexpr size_t k_pump_batch = 256;

std::shared_ptr<Subscriber> find_subscriber(Topic& topic, const std::string& identity, HandlerId handler) {
  for (auto& subscriber : topic.subscribers) {
    if (subscriber->identity == identity && subscriber->handler == handler) return subscriber;
  }
  return nullptr;
}

}  // namespace

Status Node::add_topic(const std::string& name, capnp::StructSchema event_schema, std::unique_ptr<TopicLog> log) {
  if (impl_->topics.count(name)) return Status(ErrorCode::already_exists, "topic " + name + " exists");
  Topic topic;
  topic.name = name;
  topic.event_schema = event_schema;
  topic.durable = log != nullptr;
  topic.log = log ? std::move(log) : make_ring_log(k_ring_entries, k_ring_bytes);
  impl_->topics.emplace(name, std::move(topic));
  return Status();
}

Result<uint64_t> Node::publish_raw(const std::string& name,
                                   const std::function<void(capnp::AnyPointer::Builder)>& fill) {
  auto found = impl_->topics.find(name);
  if (found == impl_->topics.end()) return Status(ErrorCode::not_found, "no topic " + name);
  Topic& topic = found->second;
  capnp::MallocMessageBuilder builder(64);
  fill(builder.getRoot<capnp::AnyPointer>());
  auto words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  Result<uint64_t> seq =
      topic.log->append(std::string_view(reinterpret_cast<const char*>(bytes.begin()), bytes.size()));
  if (!seq.ok()) return seq;
  auto subscribers = topic.subscribers;  // pumping may remove one
  for (auto& subscriber : subscribers) impl_->pump(topic, subscriber);
  return seq;
}

void Node::Impl::pump(Topic& topic, const std::shared_ptr<Subscriber>& subscriber) {
  if (subscriber->pumping) return;
  subscriber->pumping = true;
  while (subscriber->credit > 0 && subscriber->next_seq <= topic.log->last_seq() && !stopped) {
    auto entries = topic.log->read(subscriber->next_seq, std::min<size_t>(subscriber->credit, k_pump_batch), 4u << 20);
    if (!entries.ok()) {
      detail::Outgoing error(Kind::ERROR);
      auto env = error.envelope();
      env.setHandlerId(subscriber->handler);
      detail::set_error(env,
                        Status(entries.status().code(), "topic " + topic.name + " no longer holds seq " +
                                                            std::to_string(subscriber->next_seq) + "; the oldest is " +
                                                            std::to_string(topic.log->first_seq())));
      auto extra = env.getExtra();
      extra.setTopic(topic.name);
      extra.setSince(topic.log->first_seq());
      send_to_caller(subscriber->identity, error, Clock::now() + options.default_timeout);
      std::erase(topic.subscribers, subscriber);
      break;
    }
    for (const LogEntry& entry : entries.value()) {
      // The log holds a flat message; read it from word-aligned memory.
      kj::Array<capnp::word> aligned = kj::heapArray<capnp::word>(entry.bytes.size() / sizeof(capnp::word));
      std::memcpy(aligned.begin(), entry.bytes.data(), aligned.size() * sizeof(capnp::word));
      capnp::FlatArrayMessageReader reader(aligned);
      detail::Outgoing event(Kind::EVENT);
      auto env = event.envelope();
      env.setHandlerId(subscriber->handler);
      auto extra = env.getExtra();
      extra.setTopic(topic.name);
      extra.setSince(entry.seq);
      env.setPayloadType(topic.event_schema.getProto().getId());
      env.getPayload().set(reader.getRoot<capnp::AnyPointer>());
      send_to_caller(subscriber->identity, event, Clock::now() + options.default_timeout);
      subscriber->next_seq = entry.seq + 1;
      --subscriber->credit;
    }
  }
  subscriber->pumping = false;
}

void Node::Impl::on_subscribe(const std::string& identity, const MessagePtr& message) {
  auto env = message->envelope();
  const auto extra = env.getExtra();
  const std::string name(Message::to_view(extra.getTopic()));
  auto found = topics.find(name);
  if (found == topics.end()) {
    detail::Outgoing error(Kind::ERROR);
    error.envelope().setHandlerId(env.getHandlerId());
    detail::set_error(error.envelope(), Status(ErrorCode::not_found, "no topic " + name + " on " + options.name));
    send_to_caller(identity, error, Clock::now());
    return;
  }
  Topic& topic = found->second;
  auto subscriber = find_subscriber(topic, identity, env.getHandlerId());
  if (!subscriber) {
    subscriber = std::make_shared<Subscriber>();
    subscriber->identity = identity;
    subscriber->handler = env.getHandlerId();
    topic.subscribers.push_back(subscriber);
  }
  subscriber->next_seq = extra.getSince() == 0 ? 1 : extra.getSince();
  subscriber->credit = env.getCredit();
  logger.info("subscribed", {{"topic", name}, {"since", std::to_string(subscriber->next_seq)}});
  reactor.spawn([this, &topic, subscriber]() { pump(topic, subscriber); });
}

void Node::Impl::on_credit(const std::string& identity, const MessagePtr& message) {
  auto env = message->envelope();
  auto found = topics.find(std::string(Message::to_view(env.getExtra().getTopic())));
  if (found == topics.end()) return;
  Topic& topic = found->second;
  auto subscriber = find_subscriber(topic, identity, env.getHandlerId());
  if (!subscriber) return;
  subscriber->credit += env.getCredit();
  reactor.spawn([this, &topic, subscriber]() { pump(topic, subscriber); });
}

void Node::Impl::on_unsubscribe(const std::string& identity, const MessagePtr& message) {
  auto env = message->envelope();
  auto found = topics.find(std::string(Message::to_view(env.getExtra().getTopic())));
  if (found == topics.end()) return;
  std::erase_if(found->second.subscribers, [&identity, &env](const auto& subscriber) {
    return subscriber->identity == identity && subscriber->handler == env.getHandlerId();
  });
}

}  // namespace skymesh::bus
