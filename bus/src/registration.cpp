#include "skymesh/bus/registration.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <unistd.h>

#include <deque>
#include <optional>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>

#include "skymesh/bus/client.hpp"

namespace skymesh::bus {
namespace {

constexpr size_t k_max_reports = 256;

uint64_t unix_ms() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

// The first non-loopback IPv4 address of this host's name, or the name itself.
std::string host_address() {
  const std::string name = host_name();
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(name.c_str(), nullptr, &hints, &found) != 0) return name;
  std::string address = name;
  for (addrinfo* it = found; it; it = it->ai_next) {
    char text[INET_ADDRSTRLEN] = {};
    const auto* in = reinterpret_cast<const sockaddr_in*>(it->ai_addr);
    if (!::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text))) continue;
    if (std::string(text).rfind("127.", 0) == 0) continue;
    address = text;
    break;
  }
  ::freeaddrinfo(found);
  if (address != name) return address;
  // The name resolves to loopback only: take the first non-loopback IPv4 interface.
  ifaddrs* interfaces = nullptr;
  if (::getifaddrs(&interfaces) != 0) return address;
  for (ifaddrs* it = interfaces; it; it = it->ifa_next) {
    if (!it->ifa_addr || it->ifa_addr->sa_family != AF_INET || (it->ifa_flags & IFF_LOOPBACK)) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* in = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
    if (::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text))) {
      address = text;
      break;
    }
  }
  ::freeifaddrs(interfaces);
  return address;
}

}  // namespace

std::vector<std::string> advertised_endpoints(const std::vector<std::string>& bound) {
  std::vector<std::string> out;
  std::optional<std::string> address;
  for (const auto& endpoint : bound) {
    const std::string prefix = "tcp://";
    const size_t colon = endpoint.rfind(':');
    if (endpoint.rfind(prefix, 0) != 0 || colon == std::string::npos || colon < prefix.size()) {
      out.push_back(endpoint);
      continue;
    }
    const std::string host = endpoint.substr(prefix.size(), colon - prefix.size());
    if (host == "0.0.0.0" || host == "*" || host == "[::]" || host == "::") {
      if (!address) address = host_address();
      out.push_back(prefix + *address + endpoint.substr(colon));
    } else {
      out.push_back(endpoint);
    }
  }
  return out;
}

std::string instance_name(const Node& node) {
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (size_t i = 0; i < 4; ++i) {
    id += hex[node.id()[i] >> 4];
    id += hex[node.id()[i] & 15];
  }
  return host_name() + "/" + std::to_string(::getpid()) + "/" + id;
}

struct Registration::Impl {
  Impl(Node& node, RegistrationOptions options, CommandHandler on_command)
      : node(node), options(std::move(options)), on_command(std::move(on_command)), instance(instance_name(node)) {}

  Node& node;
  RegistrationOptions options;
  CommandHandler on_command;
  std::string instance;
  std::optional<Client> client;
  struct PendingReport {
    std::string level, event, detail;
    uint64_t time_ms;
  };
  std::deque<PendingReport> reports;
  bool draining = false;
  bool leaving = false;
  bool kick = false;        // heartbeat now (draining started)
  bool registered = false;  // last heartbeat answered
  bool warned = false;      // "registry unreachable" logged since it was last reachable
  uint64_t started_ms = unix_ms();
  std::vector<std::string> endpoints;
  boost::fibers::mutex mutex;
  boost::fibers::condition_variable wake;
  int stop_hook = -1;

  Status ensure_client() {
    if (client) return Status();
    ClientOptions client_options;
    client_options.server_public_key = options.registry_public_key;
    client_options.cache = false;
    auto connected = Client::connect(node, options.registry, client_options);
    if (!connected.ok()) return connected.status();
    client.emplace(std::move(connected).value());
    return Status();
  }

  // One admin.register call; returns the command the registry has for us.
  Result<proto::Command> heartbeat() {
    if (Status status = ensure_client(); !status.ok()) return status;
    std::vector<PendingReport> sent(reports.begin(), reports.end());
    auto reply = client->call<proto::RegisterRequest, proto::RegisterReply>(
        "admin.register",
        [&](proto::RegisterRequest::Builder request) {
          auto record = request.initRecord();
          record.setName(node.options().name);
          record.setInstance(instance);
          auto list = record.initEndpoints(static_cast<unsigned>(endpoints.size()));
          for (unsigned i = 0; i < endpoints.size(); ++i) list.set(i, endpoints[i]);
          record.setHost(host_name());
          record.setVersion(node.options().version);
          if (node.options().security.keys) record.setPublicKey(node.options().security.keys->public_key);
          record.setPid(static_cast<uint32_t>(::getpid()));
          record.setStartedMs(started_ms);
          request.setDraining(draining);
          auto out = request.initReports(static_cast<unsigned>(sent.size()));
          for (unsigned i = 0; i < sent.size(); ++i) {
            out[i].setLevel(sent[i].level);
            out[i].setEvent(sent[i].event);
            out[i].setDetail(sent[i].detail);
            out[i].setTimeMs(sent[i].time_ms);
          }
        },
        CallOptions{options.heartbeat});
    if (!reply.ok()) return reply.status();
    // Delivered: drop what was sent (new reports may have been queued meanwhile).
    for (size_t i = 0; i < sent.size() && !reports.empty(); ++i) reports.pop_front();
    return reply->get().getCommand();
  }

  void run() {
    while (!leaving) {
      auto command = heartbeat();
      if (leaving) break;
      if (command.ok()) {
        if (!registered) node.logger().info("registered", {{"registry", options.registry}, {"instance", instance}});
        registered = true;
        warned = false;
        if (command.value() != proto::Command::NONE && on_command) on_command(command.value());
      } else {
        registered = false;
        if (!warned) {
          node.logger().warn("registry_unreachable",
                             {{"registry", options.registry}, {"error", command.status().to_string()}});
          warned = true;
        }
      }
      std::unique_lock lock(mutex);
      wake.wait_for(lock, options.heartbeat, [this] { return leaving || kick; });
      kick = false;
    }
  }
};

Registration::Registration(Node& node, RegistrationOptions options, CommandHandler on_command)
    : impl_(std::make_shared<Impl>(node, std::move(options), std::move(on_command))) {}

Registration::~Registration() {
  if (impl_->stop_hook >= 0) impl_->node.reactor().remove_stop_hook(impl_->stop_hook);
  impl_->leaving = true;
  impl_->wake.notify_all();
}

void Registration::start() {
  impl_->endpoints =
      impl_->options.advertise.empty() ? advertised_endpoints(impl_->node.endpoints()) : impl_->options.advertise;
  std::weak_ptr<Impl> weak = impl_;
  impl_->stop_hook = impl_->node.reactor().add_stop_hook([weak] {
    if (auto impl = weak.lock()) {
      impl->leaving = true;
      impl->wake.notify_all();
    }
  });
  impl_->node.reactor().spawn([impl = impl_] { impl->run(); });
}

void Registration::report(std::string level, std::string event, std::string detail) {
  if (impl_->reports.size() >= k_max_reports) impl_->reports.pop_front();
  impl_->reports.push_back({std::move(level), std::move(event), std::move(detail), unix_ms()});
}

void Registration::set_draining() {
  impl_->draining = true;
  report("info", "draining", "leaving the registry");
  impl_->kick = true;
  impl_->wake.notify_all();
}

void Registration::leave(std::chrono::milliseconds timeout) {
  if (impl_->leaving) return;
  impl_->leaving = true;
  impl_->wake.notify_all();
  if (!impl_->client) return;
  auto reply = impl_->client->call<proto::DeregisterRequest, proto::Empty>(
      "admin.deregister", [&](proto::DeregisterRequest::Builder request) { request.setInstance(impl_->instance); },
      CallOptions{timeout});
  if (!reply.ok()) impl_->node.logger().warn("deregister_failed", {{"error", reply.status().to_string()}});
}

const std::string& Registration::instance() const {
  return impl_->instance;
}

}  // namespace skymesh::bus
