// A serverlet's membership in the admin registry (services/admin, proto/admin.capnp). Once started it calls
// admin.register at once and then every heartbeat, naming the endpoints callers should use, its version and
// public key, and any reports queued since the last heartbeat. The registry drops an instance whose lease runs
// out and announces its death on admin.diagnostics. A control call (drain or stop) comes back in a heartbeat's
// reply and is handed to on_command.
//
// The registry being unreachable is not fatal: the serverlet keeps serving and keeps trying, logging once when
// the registry goes away and once when it is back.
//
// Threading: lives on its Node's reactor thread; start(), report() and leave() are called there.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "skymesh/bus/node.hpp"
#include "skymesh/proto/admin.capnp.h"

namespace skymesh::bus {

struct RegistrationOptions {
  std::string registry;                // the admin's bus target (tcp://host:port, dns+tcp://, a list)
  std::string registry_public_key;     // Z85 server key of the admin when it runs CurveZMQ
  std::vector<std::string> advertise;  // endpoints to announce; empty: the node's own, see advertised_endpoints
  std::chrono::milliseconds heartbeat{1000};
};

class Registration {
 public:
  using CommandHandler = std::function<void(proto::Command)>;
  Registration(Node& node, RegistrationOptions options, CommandHandler on_command);
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  // Starts the heartbeat fiber. The node must already listen (its endpoints are announced).
  void start();
  // Queues a report for the next heartbeat (kept to the most recent 256).
  void report(std::string level, std::string event, std::string detail);
  // From now on the registry offers this instance to no caller (it keeps heartbeating, marked draining).
  void set_draining();
  // Deregisters (best effort, waiting at most `timeout`) and stops heartbeating. Call from a fiber.
  void leave(std::chrono::milliseconds timeout = std::chrono::milliseconds(500));

  const std::string& instance() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The endpoints to announce for `bound` endpoints: a wildcard tcp host (0.0.0.0, *, ::) becomes this host's
// first non-loopback address, so a caller elsewhere can reach it; other endpoints are kept as they are.
std::vector<std::string> advertised_endpoints(const std::vector<std::string>& bound);

// "<hostname>/<pid>/<first 8 hex digits of the node id>".
std::string instance_name(const Node& node);

}  // namespace skymesh::bus
