// Turning a client's target into replicas. Three sources, one rule: a refresh replaces the replica list, keeping
// the peers (and their connections) of endpoints that are still named and dropping those that are not.
//   static   tcp://, ipc://, inproc:// endpoints, comma-separated: resolved once.
//   dns      dns+tcp://NAME:PORT: every address of NAME, looked up at connect, then again in the background
//            (getaddrinfo on a thread of its own) when older than k_dns_refresh.
//   registry registry+tcp://HOST:PORT/NAME: the live instances of NAME that the admin serverlet at HOST:PORT
//            lists (admin.resolve), each with the CurveZMQ key it registered; refreshed in the background when
//            older than k_registry_refresh, at once when the list is empty.
// Everything here runs on the reactor thread; refresh_from_registry blocks its calling fiber only.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "node_impl.hpp"

namespace skymesh::bus {

inline constexpr auto k_dns_refresh = std::chrono::seconds(5);
inline constexpr auto k_registry_refresh = std::chrono::seconds(2);
inline constexpr auto k_registry_timeout = std::chrono::seconds(2);

struct RegistryTarget {
  std::string registry;  // the admin's endpoint, tcp://HOST:PORT
  std::string name;      // the service to resolve
};

// "registry+tcp://HOST:PORT/NAME" -> {tcp://HOST:PORT, NAME}; nullopt for any other target, and for a registry
// target without a port or name (is_registry_target tells those apart).
std::optional<RegistryTarget> parse_registry_target(const std::string& target);
bool is_registry_target(const std::string& target);
// Whether a target (or one endpoint of a comma list) names a dns+tcp:// service, whose addresses are looked up
// again now and then.
bool names_dns(const std::string& target);

// Static and dns+tcp targets. A failed DNS lookup keeps the replicas known before.
Status resolve_replicas(Node::Impl& impl, ServiceState& service);

// Asks the registry (blocking this fiber, at most k_registry_timeout) and replaces the replica list. An empty
// answer empties the list and is `unavailable`.
Status refresh_from_registry(Node::Impl& impl, ServiceState& service);

// Called before each remote call: refreshes a dns target that is due (in the background) and a registry target
// (at once when it has no replica, else in the background when due). Non-ok only when no replica can be had.
Status refresh_if_due(Node::Impl& impl, const std::shared_ptr<ServiceState>& service, Clock::time_point now);

}  // namespace skymesh::bus
