// Replica lists from static endpoints, DNS and the admin registry (resolver.hpp).
#include "resolver.hpp"

#include <netdb.h>
#include <sodium.h>

#include <algorithm>
#include <future>
#include <sstream>
#include <string_view>

#include "skymesh/proto/admin.capnp.h"

namespace skymesh::bus {
namespace {

constexpr const char* k_registry_scheme = "registry+";
constexpr std::string_view k_dns_scheme = "dns+tcp://";

std::vector<std::string> split_targets(const std::string& target) {
  std::vector<std::string> parts;
  std::stringstream stream(target);
  std::string part;
  while (std::getline(stream, part, ',')) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// "dns+tcp://name:port" -> every address of name as tcp://address:port.
Result<std::vector<std::string>> resolve_dns(const std::string& target) {
  const std::string rest = target.substr(k_dns_scheme.size());
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) return Status(ErrorCode::bad_request, "dns+tcp target needs a port: " + target);
  const std::string host = rest.substr(0, colon);
  const std::string port = rest.substr(colon + 1);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int error = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); error != 0) {
    return Status(ErrorCode::unavailable, "cannot resolve " + host + ": " + gai_strerror(error));
  }
  std::vector<std::string> endpoints;
  for (addrinfo* it = found; it; it = it->ai_next) {
    char address[NI_MAXHOST];
    if (::getnameinfo(it->ai_addr, it->ai_addrlen, address, sizeof address, nullptr, 0, NI_NUMERICHOST) != 0) continue;
    std::string endpoint = it->ai_family == AF_INET6 ? "tcp://[" + std::string(address) + "]:" + port
                                                     : "tcp://" + std::string(address) + ":" + port;
    if (std::find(endpoints.begin(), endpoints.end(), endpoint) == endpoints.end()) endpoints.push_back(endpoint);
  }
  ::freeaddrinfo(found);
  return endpoints;
}

struct Named {
  std::string endpoint;
  std::string public_key;  // empty: the client's own server_public_key
};

// Every endpoint a static or dns+tcp target names (looking the names up: this may block for seconds).
Result<std::vector<Named>> lookup(const std::string& target) {
  std::vector<Named> named;
  for (const auto& part : split_targets(target)) {
    if (part.starts_with(k_dns_scheme)) {
      auto resolved = resolve_dns(part);
      if (!resolved.ok()) return resolved.status();
      for (auto& endpoint : resolved.value()) named.push_back({std::move(endpoint), {}});
    } else if (part.rfind("tcp://", 0) == 0 || part.rfind("ipc://", 0) == 0 || part.rfind("inproc://", 0) == 0) {
      named.push_back({part, {}});
    } else {
      return Status(
          ErrorCode::bad_request,
          "unsupported target " + part + " (tcp://, ipc://, inproc://, dns+tcp://, registry+tcp://HOST:PORT/NAME)");
    }
  }
  if (named.empty()) return Status(ErrorCode::bad_request, "no endpoint in target '" + target + "'");
  return named;
}

// Replaces service.replicas by `named`, keeping the peers of endpoints named before. An endpoint ZeroMQ refuses to
// connect to (a host name that does not resolve, yet or at all) is left out; when none is left, the list is kept
// as it was and the answer is `unavailable`.
Status set_replicas(Node::Impl& impl, ServiceState& service, const std::vector<Named>& named) {
  std::vector<std::shared_ptr<Peer>> replicas;
  Status refused;
  for (const auto& entry : named) {
    auto known = std::find_if(service.replicas.begin(), service.replicas.end(),
                              [&entry](const auto& peer) { return peer->endpoint == entry.endpoint; });
    if (known != service.replicas.end()) {
      replicas.push_back(*known);
      continue;
    }
    ClientOptions options = service.options;
    if (!entry.public_key.empty()) options.server_public_key = entry.public_key;
    try {
      replicas.push_back(impl.peer_for(entry.endpoint, options));
    } catch (const zmq::error_t& e) {
      refused = Status(ErrorCode::unavailable, "cannot connect to " + entry.endpoint + ": " + e.what() +
                                                   " (a host name that does not resolve?)");
    }
  }
  if (replicas.empty() && !refused.ok()) return refused;
  const bool first = service.replicas.empty();
  service.replicas = std::move(replicas);
  if (!service.replicas.empty()) {
    // A client's first turn goes to a random replica, so short-lived clients (one call each) spread too.
    const auto count = static_cast<uint32_t>(service.replicas.size());
    service.next_replica = first ? randombytes_uniform(count) : service.next_replica % count;
  }
  service.resolved_at = Clock::now();
  return Status();
}

// getaddrinfo may block for seconds: it runs on a thread of its own while a fiber of the reactor polls for the
// answer (every 5 ms), so no other fiber waits for DNS. A failed lookup keeps the replicas known before.
void refresh_dns_in_background(Node::Impl& impl, const std::shared_ptr<ServiceState>& service) {
  service->refreshing = true;
  std::weak_ptr<ServiceState> weak = service;
  impl.reactor.spawn([&impl, weak, target = service->target]() {
    std::future<Result<std::vector<Named>>> answer =
        std::async(std::launch::async, [target]() { return lookup(target); });
    while (answer.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      boost::this_fiber::sleep_for(std::chrono::milliseconds(5));
    }
    auto state = weak.lock();
    if (!state) return;
    state->refreshing = false;
    auto named = answer.get();
    if (!named.ok()) {
      impl.logger.log(LogLevel::debug, "dns_refresh_failed", {{"error", named.status().to_string()}});
      state->resolved_at = Clock::now();  // try again a refresh period later
    } else if (!impl.stopped) {
      (void)set_replicas(impl, *state, named.value());
    }
  });
}

void refresh_in_background(Node::Impl& impl, const std::shared_ptr<ServiceState>& service) {
  service->refreshing = true;
  std::weak_ptr<ServiceState> weak = service;
  impl.reactor.spawn([&impl, weak]() {
    auto state = weak.lock();
    if (!state) return;
    Status status = refresh_from_registry(impl, *state);
    state->refreshing = false;
    if (!status.ok()) impl.logger.log(LogLevel::debug, "registry_refresh_failed", {{"error", status.to_string()}});
  });
}

}  // namespace

bool names_dns(const std::string& target) {
  return target.find(k_dns_scheme) != std::string::npos;
}

bool is_registry_target(const std::string& target) {
  return target.rfind(k_registry_scheme, 0) == 0;
}

std::optional<RegistryTarget> parse_registry_target(const std::string& target) {
  if (!is_registry_target(target)) return std::nullopt;
  const std::string rest = target.substr(std::string(k_registry_scheme).size());
  if (rest.rfind("tcp://", 0) != 0) return std::nullopt;
  const auto slash = rest.find('/', std::string("tcp://").size());
  if (slash == std::string::npos || slash + 1 == rest.size()) return std::nullopt;
  RegistryTarget parsed{rest.substr(0, slash), rest.substr(slash + 1)};
  const auto colon = parsed.registry.rfind(':');
  if (colon == std::string::npos || colon + 1 == parsed.registry.size() || colon < std::string("tcp://").size()) {
    return std::nullopt;
  }
  if (parsed.name.find_first_of("/,") != std::string::npos) return std::nullopt;
  return parsed;
}

Status resolve_replicas(Node::Impl& impl, ServiceState& service) {
  auto named = lookup(service.target);
  if (!named.ok()) return named.status();
  return set_replicas(impl, service, named.value());
}

Status refresh_from_registry(Node::Impl& impl, ServiceState& service) {
  const std::string& name = service.registry_name;
  CallOptions options;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(k_registry_timeout);
  auto reply = service.registry->call<proto::ResolveRequest, proto::ResolveReply>(
      "admin.resolve", [&name](proto::ResolveRequest::Builder request) { request.setName(name); }, options);
  if (!reply.ok()) {
    return Status(reply.status().code(), "registry lookup of " + name + ": " + reply.status().message());
  }
  auto answer = reply->get();
  auto endpoints = answer.getEndpoints();
  auto keys = answer.getPublicKeys();
  std::vector<Named> named;
  for (unsigned i = 0; i < endpoints.size(); ++i) {
    std::string endpoint = endpoints[i];
    if (endpoint.rfind("tcp://", 0) != 0 && endpoint.rfind("ipc://", 0) != 0) continue;  // not for a DEALER
    named.push_back({std::move(endpoint), i < keys.size() ? std::string(keys[i].cStr()) : std::string()});
  }
  if (named.empty()) {
    service.replicas.clear();
    service.resolved_at = Clock::now();
    return Status(ErrorCode::unavailable, "the registry lists no live instance of " + name);
  }
  return set_replicas(impl, service, named);
}

Status refresh_if_due(Node::Impl& impl, const std::shared_ptr<ServiceState>& service, Clock::time_point now) {
  using std::chrono::milliseconds;
  const milliseconds every = service->options.refresh;
  if (service->registry) {
    if (service->replicas.empty()) return refresh_from_registry(impl, *service);
    const auto due = every.count() > 0 ? every : std::chrono::duration_cast<milliseconds>(k_registry_refresh);
    if (!service->refreshing && now - service->resolved_at > due) refresh_in_background(impl, service);
    return Status();
  }
  const auto due = every.count() > 0 ? every : std::chrono::duration_cast<milliseconds>(k_dns_refresh);
  if (service->names_dns && !service->refreshing && now - service->resolved_at > due) {
    refresh_dns_in_background(impl, service);
  }
  return Status();
}

}  // namespace skymesh::bus
