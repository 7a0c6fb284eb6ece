// The admin's table of serverlets: who registered, where they listen, when they were last heard from. Pure
// logic with an explicit clock, so tests drive time; the admin service (admin_service.hpp) puts it on the bus.
//
// An instance is live while heartbeats arrive within the lease, draining once it says so (it is then offered
// to no caller), dead when the lease runs out, gone when it deregistered. Dead and gone entries stay listed for
// `keep_after_death` so an operator sees what went away, then disappear.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "skymesh/proto/admin.capnp.h"

namespace skymesh::admin {

using Clock = std::chrono::steady_clock;

struct Record {
  std::string name, instance, host, version, public_key;
  std::vector<std::string> endpoints;
  uint32_t pid = 0;
  uint64_t started_ms = 0;
};

Record record_from(proto::ServiceRecord::Reader reader);
void fill_record(const Record& record, proto::ServiceRecord::Builder builder);

struct Instance {
  Record record;
  proto::Health health = proto::Health::LIVE;
  Clock::time_point last_seen;
  Clock::time_point changed;  // when health last changed
  proto::Command pending = proto::Command::NONE;
};

// A change of the registry, for the diagnostics feed.
struct Change {
  Record record;
  std::string event;  // registered, draining, dead, gone, stopping, back (a dead one heartbeats again)
  std::string detail;
};

struct RegistryOptions {
  std::chrono::milliseconds lease{3000};
  std::chrono::milliseconds keep_after_death{60000};
};

class Registry {
 public:
  explicit Registry(RegistryOptions options = {}) : options_(options) {}

  const RegistryOptions& options() const { return options_; }

  // A heartbeat (or first registration). Returns the changes it makes and, through `command`, a control call
  // waiting for this instance (handed out once).
  std::vector<Change> heartbeat(const Record& record, bool draining, Clock::time_point now, proto::Command& command);
  // A clean exit; false when the instance is unknown.
  std::optional<Change> deregister(const std::string& instance, Clock::time_point now);
  // Marks instances whose lease ran out as dead and forgets long-dead ones.
  std::vector<Change> expire(Clock::time_point now);

  // Queues a control call for an instance; false when it is not live or draining.
  bool command(const std::string& instance, proto::Command command);

  // Every entry (of one service when `name` is not empty), ordered by name then instance.
  std::vector<const Instance*> list(const std::string& name = "") const;
  // Live instances of a service (draining, dead and gone ones are not offered to callers).
  std::vector<const Instance*> live(const std::string& name) const;
  // A number that changes whenever the set of live endpoints of any service changes.
  uint64_t generation() const { return generation_; }

 private:
  RegistryOptions options_;
  std::map<std::string, Instance> instances_;  // by instance name
  uint64_t generation_ = 0;
};

}  // namespace skymesh::admin
