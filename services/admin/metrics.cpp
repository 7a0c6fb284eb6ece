#include "metrics.hpp"

#include <cstdio>
#include <map>

#include "skymesh/proto/sys.capnp.h"

namespace skymesh::admin {
namespace {

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

const char* health_name(proto::Health health) {
  switch (health) {
    case proto::Health::LIVE:
      return "live";
    case proto::Health::DRAINING:
      return "draining";
    case proto::Health::DEAD:
      return "dead";
    case proto::Health::GONE:
      return "gone";
  }
  return "unknown";
}

// Families are written whole (HELP, TYPE, then every sample), as the format asks.
class Families {
 public:
  void add(const std::string& name, const char* type, const char* help, const std::string& labels, double value) {
    auto& family = families_[name];
    if (family.header.empty()) family.header = "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
    char number[32];
    std::snprintf(number, sizeof(number), "%.15g", value);
    family.samples += labels.empty() ? name : name + "{" + labels + "}";
    family.samples += std::string(" ") + number + "\n";
  }
  std::string text() const {
    std::string out;
    for (const auto& [name, family] : families_) out += family.header + family.samples;
    return out;
  }

 private:
  struct Family {
    std::string header, samples;
  };
  std::map<std::string, Family> families_;
};

}  // namespace

std::string render_metrics(const std::vector<Instance>& instances, const std::vector<ProbeResult>& results,
                           const AdminCounters& counters, Clock::time_point now) {
  Families out;
  std::map<std::string, int> by_health;
  for (size_t i = 0; i < instances.size(); ++i) {
    const Instance& instance = instances[i];
    ++by_health[health_name(instance.health)];
    const std::string labels = "service=\"" + escape_label(instance.record.name) + "\",instance=\"" +
                               escape_label(instance.record.instance) + "\",host=\"" +
                               escape_label(instance.record.host) + "\"";
    const bool live = instance.health == proto::Health::LIVE || instance.health == proto::Health::DRAINING;
    const bool answered = i < results.size() && results[i].status.ok() && results[i].stats;
    out.add("skymesh_up", "gauge", "1 when the serverlet heartbeats and answered sys.stats", labels,
            live && answered ? 1 : 0);
    out.add("skymesh_last_heartbeat_age_seconds", "gauge", "seconds since the serverlet's last heartbeat", labels,
            std::chrono::duration<double>(now - instance.last_seen).count());
    if (!answered) continue;
    auto stats = results[i].stats->payload<proto::StatsReply>();
    out.add("skymesh_uptime_seconds", "gauge", "seconds since the serverlet started", labels,
            static_cast<double>(stats.getUptimeMs()) / 1000.0);
    out.add("skymesh_messages_received_total", "counter", "envelopes received", labels,
            static_cast<double>(stats.getReceived()));
    out.add("skymesh_messages_sent_total", "counter", "envelopes sent", labels, static_cast<double>(stats.getSent()));
    out.add("skymesh_malformed_total", "counter", "envelopes or payloads that did not decode", labels,
            static_cast<double>(stats.getMalformed()));
    out.add("skymesh_duplicates_total", "counter", "retried requests answered from the reply cache", labels,
            static_cast<double>(stats.getDuplicates()));
    out.add("skymesh_gaps_total", "counter", "sequence gaps detected on incoming streams", labels,
            static_cast<double>(stats.getGaps()));
    out.add("skymesh_late_replies_total", "counter", "replies that arrived after their caller gave up", labels,
            static_cast<double>(stats.getLateReplies()));
    out.add("skymesh_peers_dead_total", "counter", "peers declared dead", labels,
            static_cast<double>(stats.getPeersDead()));
    out.add("skymesh_in_flight", "gauge", "calls being served now", labels, static_cast<double>(stats.getInFlight()));
    for (auto method : stats.getMethods()) {
      const std::string method_labels = labels + ",method=\"" + escape_label(method.getName()) + "\"";
      out.add("skymesh_method_calls_total", "counter", "calls served per method", method_labels,
              static_cast<double>(method.getCalls()));
      out.add("skymesh_method_errors_total", "counter", "calls answered with an error per method", method_labels,
              static_cast<double>(method.getErrors()));
      out.add("skymesh_method_latency_microseconds", "summary", "handler latency per method",
              method_labels + ",quantile=\"0.5\"", static_cast<double>(method.getP50Us()));
      out.add("skymesh_method_latency_microseconds", "summary", "handler latency per method",
              method_labels + ",quantile=\"0.99\"", static_cast<double>(method.getP99Us()));
    }
  }
  for (const char* health : {"live", "draining", "dead", "gone"}) {
    out.add("skymesh_registry_instances", "gauge", "serverlets listed by the registry, by health",
            std::string("health=\"") + health + "\"", by_health[health]);
  }
  out.add("skymesh_admin_http_requests_total", "counter", "HTTP requests the admin answered", "",
          static_cast<double>(counters.http_requests));
  out.add("skymesh_admin_http_malformed_total", "counter", "HTTP requests refused as malformed", "",
          static_cast<double>(counters.http_malformed));
  out.add("skymesh_admin_registrations_total", "counter", "instances that registered", "",
          static_cast<double>(counters.registrations));
  out.add("skymesh_admin_deaths_total", "counter", "instances whose lease ran out", "",
          static_cast<double>(counters.deaths));
  out.add("skymesh_admin_bridge_calls_total", "counter", "calls made through POST /api", "",
          static_cast<double>(counters.bridge_calls));
  out.add("skymesh_admin_bridge_errors_total", "counter", "POST /api calls answered with an error", "",
          static_cast<double>(counters.bridge_errors));
  return out.text();
}

}  // namespace skymesh::admin
