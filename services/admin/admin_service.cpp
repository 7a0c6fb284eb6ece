#include "admin_service.hpp"

#include <boost/fiber/operations.hpp>

#include "skymesh/bus/client.hpp"
#include "skymesh/proto/admin.capnp.h"

namespace skymesh::admin {
namespace {

uint64_t unix_ms() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

uint64_t ms_between(Clock::time_point from, Clock::time_point to) {
  return to <= from ? 0
                    : static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
}

// The endpoint a caller elsewhere should use: the first tcp one, else the first that is not inproc.
std::string reachable_endpoint(const Record& record) {
  for (const auto& endpoint : record.endpoints) {
    if (endpoint.rfind("tcp://", 0) == 0) return endpoint;
  }
  for (const auto& endpoint : record.endpoints) {
    if (endpoint.rfind("inproc://", 0) != 0) return endpoint;
  }
  return "";
}

}  // namespace

AdminService::AdminService(bus::Node& node, AdminOptions options)
    : node_(node),
      options_(std::move(options)),
      registry_(options_.registry),
      prober_(node, options_.probe_timeout),
      bridge_(
          node, [this](const std::string& service) { return resolve(service); }, options_.call_timeout) {}

AdminService::~AdminService() {
  *alive_ = false;
}

std::string AdminService::http_address() const {
  return http_ ? http_->address() : "";
}

std::vector<Instance> AdminService::snapshot(const std::string& name) const {
  std::vector<Instance> out;
  for (const auto* instance : registry_.list(name)) out.push_back(*instance);
  return out;
}

void AdminService::publish(const Change& change, const std::string& level) {
  auto seq = node_.publish<proto::Diagnostic>("admin.diagnostics", [&](proto::Diagnostic::Builder event) {
    event.setTimeMs(unix_ms());
    event.setName(change.record.name);
    event.setInstance(change.record.instance);
    event.setHost(change.record.host);
    event.setLevel(level);
    event.setEvent(change.event);
    event.setDetail(change.detail);
  });
  node_.logger().log(
      level == "warn" ? bus::LogLevel::warn : bus::LogLevel::info, change.event,
      {{"service", change.record.name}, {"instance", change.record.instance}, {"detail", change.detail}});
  if (!seq.ok()) node_.logger().warn("diagnostics_publish_failed", {{"error", seq.status().to_string()}});
}

void AdminService::publish_report(const Record& record, proto::Report::Reader report) {
  auto seq = node_.publish<proto::Diagnostic>("admin.diagnostics", [&](proto::Diagnostic::Builder event) {
    event.setTimeMs(report.getTimeMs());
    event.setName(record.name);
    event.setInstance(record.instance);
    event.setHost(record.host);
    event.setLevel(report.getLevel());
    event.setEvent(report.getEvent());
    event.setDetail(report.getDetail());
  });
  if (!seq.ok()) node_.logger().warn("diagnostics_publish_failed", {{"error", seq.status().to_string()}});
}

void AdminService::check_leases() {
  for (const auto& change : registry_.expire(Clock::now())) {
    ++counters_.deaths;
    publish(change, "warn");
  }
}

bus::Result<ServiceTarget> AdminService::resolve(const std::string& service) {
  if (service == node_.options().name) return ServiceTarget{"", "", true};
  std::string target, key;
  for (const auto* instance : registry_.live(service)) {
    const std::string endpoint = reachable_endpoint(instance->record);
    if (endpoint.empty()) continue;
    target += (target.empty() ? "" : ",") + endpoint;
    if (key.empty()) key = instance->record.public_key;
  }
  if (target.empty() && registry_.list(service).empty()) {
    return bus::Status(bus::ErrorCode::not_found, "no serverlet named " + service + " has registered");
  }
  if (target.empty()) return bus::Status(bus::ErrorCode::unavailable, "no live instance of " + service);
  return ServiceTarget{target, key, false};
}

bus::Status AdminService::attach() {
  std::unique_ptr<bus::TopicLog> log;
  if (!options_.data_dir.empty()) {
    auto durable = bus::open_durable_log(options_.data_dir, "admin.diagnostics", 100000);
    if (!durable.ok()) return durable.status();
    log = std::move(durable).value();
  }
  if (bus::Status status =
          node_.add_topic("admin.diagnostics", capnp::Schema::from<proto::Diagnostic>(), std::move(log));
      !status.ok()) {
    return status;
  }

  node_.handle<proto::RegisterRequest, proto::RegisterReply>(
      "admin.register",
      [this](bus::CallContext&, proto::RegisterRequest::Reader request, proto::RegisterReply::Builder reply) {
        Record record = record_from(request.getRecord());
        if (record.name.empty() || record.instance.empty()) {
          return bus::Status(bus::ErrorCode::bad_request, "record.name and record.instance are required");
        }
        proto::Command command = proto::Command::NONE;
        for (const auto& change : registry_.heartbeat(record, request.getDraining(), Clock::now(), command)) {
          if (change.event == "registered") ++counters_.registrations;
          publish(change, "info");
        }
        for (auto report : request.getReports()) publish_report(record, report);
        reply.setLeaseMs(static_cast<uint32_t>(registry_.options().lease.count()));
        reply.setHeartbeatMs(static_cast<uint32_t>(options_.heartbeat.count()));
        reply.setCommand(command);
        return bus::Status();
      });
  node_.handle<proto::DeregisterRequest, proto::Empty>(
      "admin.deregister", [this](bus::CallContext&, proto::DeregisterRequest::Reader request, proto::Empty::Builder) {
        auto change = registry_.deregister(request.getInstance(), Clock::now());
        if (!change) return bus::Status(bus::ErrorCode::not_found, "no instance " + std::string(request.getInstance()));
        publish(*change, "info");
        return bus::Status();
      });
  node_.handle<proto::ListRequest, proto::ListReply>(
      "admin.list", [this](bus::CallContext&, proto::ListRequest::Reader request, proto::ListReply::Builder reply) {
        const std::vector<Instance> entries = snapshot(request.getName());
        std::vector<ProbeResult> probes;
        if (request.getProbe()) probes = prober_.probe(entries);
        const auto now = Clock::now();
        const uint64_t now_ms = unix_ms();
        auto list = reply.initEntries(static_cast<unsigned>(entries.size()));
        for (unsigned i = 0; i < entries.size(); ++i) {
          const Instance& instance = entries[i];
          auto entry = list[i];
          fill_record(instance.record, entry.initRecord());
          entry.setHealth(instance.health);
          entry.setUptimeMs(now_ms > instance.record.started_ms ? now_ms - instance.record.started_ms : 0);
          entry.setLastSeenMs(ms_between(instance.last_seen, now));
          if (i < probes.size()) {
            entry.setProbed(probes[i].status.ok());
            if (probes[i].status.ok()) {
              entry.setStats(probes[i].stats->payload<proto::StatsReply>());
            } else {
              entry.setProbeError(probes[i].status.to_string());
            }
          }
        }
        return bus::Status();
      });
  node_.handle<proto::ResolveRequest, proto::ResolveReply>(
      "admin.resolve",
      [this](bus::CallContext&, proto::ResolveRequest::Reader request, proto::ResolveReply::Builder reply) {
        std::vector<const Instance*> live;
        for (const auto* instance : registry_.live(request.getName())) {
          if (!reachable_endpoint(instance->record).empty()) live.push_back(instance);
        }
        auto endpoints = reply.initEndpoints(static_cast<unsigned>(live.size()));
        auto keys = reply.initPublicKeys(static_cast<unsigned>(live.size()));
        auto instances = reply.initInstances(static_cast<unsigned>(live.size()));
        for (unsigned i = 0; i < live.size(); ++i) {
          endpoints.set(i, reachable_endpoint(live[i]->record));
          keys.set(i, live[i]->record.public_key);
          instances.set(i, live[i]->record.instance);
        }
        return bus::Status();
      });
  auto control = [this](proto::Command command) {
    return [this, command](bus::CallContext&, proto::ControlRequest::Reader request,
                           proto::ControlReply::Builder reply) {
      const std::string instance = request.getInstance();
      if (!registry_.command(instance, command)) {
        return bus::Status(bus::ErrorCode::not_found, "no live instance " + instance);
      }
      for (const auto* entry : registry_.list()) {
        if (entry->record.instance == instance) {
          publish(Change{entry->record, command == proto::Command::STOP ? "stopping" : "drain_requested", ""}, "info");
        }
      }
      reply.setInstance(instance);
      reply.setCommand(command);
      return bus::Status();
    };
  };
  node_.handle<proto::ControlRequest, proto::ControlReply>("admin.drain", control(proto::Command::DRAIN));
  node_.handle<proto::ControlRequest, proto::ControlReply>("admin.stop", control(proto::Command::STOP));

  // The lease checker: a fiber that wakes four times a lease.
  node_.reactor().spawn([this, alive = alive_] {
    const auto period = std::max(std::chrono::milliseconds(50), registry_.options().lease / 4);
    while (*alive && !node_.reactor().stopping()) {
      boost::this_fiber::sleep_for(std::min(period, std::chrono::milliseconds(250)));
      if (!*alive) return;
      check_leases();
    }
  });

  if (!options_.http.empty()) {
    http_ = std::make_unique<HttpServer>(node_.reactor(),
                                         [this](const HttpRequest& request) { return handle_http(request); });
    if (bus::Status status = http_->listen(options_.http); !status.ok()) return status;
    node_.logger().info("http_listening", {{"address", http_->address()}});
  }
  return bus::Status();
}

HttpResponse AdminService::handle_http(const HttpRequest& request) {
  ++counters_.http_requests;
  if (http_) counters_.http_malformed = http_->malformed();
  if (request.path == "/healthz") {
    if (request.method != "GET" && request.method != "HEAD") {
      return HttpResponse{405, "application/json", json_error(405, "method_not_allowed", "use GET")};
    }
    std::map<proto::Health, int> counts;
    for (const auto* instance : registry_.list()) ++counts[instance->health];
    return HttpResponse{200, "application/json",
                        "{\"status\":\"ok\",\"live\":" + std::to_string(counts[proto::Health::LIVE]) +
                            ",\"draining\":" + std::to_string(counts[proto::Health::DRAINING]) +
                            ",\"dead\":" + std::to_string(counts[proto::Health::DEAD]) + "}"};
  }
  if (request.path == "/metrics") {
    if (request.method != "GET") {
      return HttpResponse{405, "application/json", json_error(405, "method_not_allowed", "use GET")};
    }
    const std::vector<Instance> entries = snapshot("");
    const auto probes = prober_.probe(entries);
    return HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                        render_metrics(entries, probes, counters_, Clock::now())};
  }
  const std::string prefix = "/api/";
  if (request.path.rfind(prefix, 0) == 0) {
    const std::string rest = request.path.substr(prefix.size());
    const size_t slash = rest.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
        rest.find('/', slash + 1) != std::string::npos) {
      return HttpResponse{404, "application/json", json_error(404, "not_found", "use POST /api/<service>/<method>")};
    }
    if (request.method != "POST") {
      return HttpResponse{405, "application/json", json_error(405, "method_not_allowed", "use POST")};
    }
    const std::string service = rest.substr(0, slash);
    std::string method = rest.substr(slash + 1);
    if (method.find('.') == std::string::npos) method = service + "." + method;
    ++counters_.bridge_calls;
    HttpResponse response = bridge_.call(service, method, request.body);
    if (response.status != 200) ++counters_.bridge_errors;
    return response;
  }
  return HttpResponse{404, "application/json",
                      json_error(404, "not_found", "routes: POST /api/<service>/<method>, GET /metrics, GET /healthz")};
}

}  // namespace skymesh::admin
