// Health as `skymesh status` reports it: a real sys.ping over the bus to each serverlet, with the same keys
// meshctl uses (var/keys/client.key, and the serverlet's key file for its public key).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace skymesh::launcher {

struct PingTarget {
  std::string endpoint;                   // tcp://... or ipc://...
  std::filesystem::path server_key_file;  // empty: a plain (loopback) serverlet
};

struct Health {
  bool ok = false;
  double round_trip_ms = 0;
  std::string error;  // "code: message" when not ok
};

// Pings every target at once (one call each, `timeout` deadline) and returns one Health per target, in order.
// `client_key_file` (may be empty when no target uses CurveZMQ) is the caller's key pair.
std::vector<Health> ping_all(const std::vector<PingTarget>& targets, const std::filesystem::path& client_key_file,
                             std::chrono::milliseconds timeout);

}  // namespace skymesh::launcher
