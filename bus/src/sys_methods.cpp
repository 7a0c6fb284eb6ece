#include "sys_methods.hpp"

#include "node_impl.hpp"
#include "skymesh/bus/json.hpp"
#include "skymesh/proto/sys.capnp.h"

namespace skymesh::bus {
namespace {

uint64_t uptime_ms(const Node::Impl& impl) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - impl.started).count());
}

void fill_info(Node::Impl& impl, proto::InfoReply::Builder reply) {
  reply.setName(impl.options.name);
  reply.setVersion(impl.options.version);
  reply.setNodeId(capnp::Data::Reader(impl.id.data(), impl.id.size()));
  reply.setUptimeMs(uptime_ms(impl));
  auto endpoints = reply.initEndpoints(static_cast<unsigned>(impl.endpoints.size()));
  for (unsigned i = 0; i < impl.endpoints.size(); ++i) endpoints.set(i, impl.endpoints[i]);
  std::map<uint64_t, capnp::Schema> schemas;
  auto methods = reply.initMethods(static_cast<unsigned>(impl.methods.size()));
  unsigned i = 0;
  std::map<std::string, const MethodEntry*> sorted;
  for (auto& [name, entry] : impl.methods) sorted[name] = &entry;
  for (auto& [name, entry] : sorted) {
    auto method = methods[i++];
    method.setName(name);
    method.setRequestType(entry->request_schema.getProto().getId());
    method.setReplyType(entry->reply_schema.getProto().getId());
    method.setStateClass(entry->options.state_class);
    method.setStreaming(entry->options.streaming);
    collect_schemas(entry->request_schema, schemas);
    collect_schemas(entry->reply_schema, schemas);
  }
  auto topics = reply.initTopics(static_cast<unsigned>(impl.topics.size()));
  i = 0;
  for (auto& [name, topic] : impl.topics) {
    auto info = topics[i++];
    info.setName(name);
    info.setEventType(topic.event_schema.getProto().getId());
    info.setDurable(topic.durable);
    info.setFirstSeq(topic.log->first_seq());
    info.setLastSeq(topic.log->last_seq());
    collect_schemas(topic.event_schema, schemas);
  }
  auto nodes = reply.initSchemas(static_cast<unsigned>(schemas.size()));
  i = 0;
  for (auto& [id, schema] : schemas) nodes.setWithCaveats(i++, schema.getProto());
  if (impl.options.security.keys) reply.setPublicKey(impl.options.security.keys->public_key);
}

void fill_stats(Node::Impl& impl, proto::StatsReply::Builder reply) {
  reply.setUptimeMs(uptime_ms(impl));
  reply.setReceived(impl.counters.received);
  reply.setSent(impl.counters.sent);
  reply.setMalformed(impl.counters.malformed);
  reply.setDuplicates(impl.counters.duplicates);
  reply.setGaps(impl.counters.gaps);
  reply.setLateReplies(impl.counters.late_replies);
  reply.setPeersDead(impl.counters.peers_dead);
  reply.setInFlight(impl.pending.size());
  const ReactorStats loop = impl.reactor.stats();
  reply.setLoopSleeps(loop.sleeps);
  reply.setLoopSpins(loop.spins);
  reply.setLoopSpinHits(loop.spin_hits);
  reply.setLoopSpinsContended(loop.spins_contended);
  std::map<std::string, const MethodEntry*> sorted;
  for (auto& [name, entry] : impl.methods) sorted[name] = &entry;
  auto methods = reply.initMethods(static_cast<unsigned>(sorted.size()));
  unsigned i = 0;
  for (auto& [name, entry] : sorted) {
    auto method = methods[i++];
    const auto& stats = entry->stats;
    method.setName(name);
    method.setCalls(stats.calls());
    method.setErrors(stats.errors());
    method.setP50Us(stats.quantile_us(0.5));
    method.setP99Us(stats.quantile_us(0.99));
    method.setMaxUs(stats.max_us());
    auto buckets = method.initHistogram(detail::MethodStats::k_buckets);
    for (unsigned b = 0; b < detail::MethodStats::k_buckets; ++b) buckets.set(b, stats.buckets()[b]);
  }
}

}  // namespace

void add_sys_methods(Node& node) {
  Node::Impl* impl = &node.impl();
  node.handle<proto::Empty, proto::PingReply>(
      "sys.ping", [impl](CallContext&, proto::Empty::Reader, proto::PingReply::Builder reply) {
        reply.setName(impl->options.name);
        reply.setTimeUs(detail::unix_micros());
        return Status();
      });
  node.handle<proto::Empty, proto::InfoReply>(
      "sys.info", [impl](CallContext&, proto::Empty::Reader, proto::InfoReply::Builder reply) {
        fill_info(*impl, reply);
        return Status();
      });
  node.handle<proto::Empty, proto::StatsReply>(
      "sys.stats", [impl](CallContext&, proto::Empty::Reader, proto::StatsReply::Builder reply) {
        fill_stats(*impl, reply);
        return Status();
      });
}

}  // namespace skymesh::bus
