# The admin serverlet (services/admin): registry of live serverlets, control calls, diagnostics feed.
# docs/admin.md describes the methods; serverlets register through bus/registration.hpp.
@0xbf476b83481c5125;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");

using Sys = import "sys.capnp";

# What a serverlet says about itself when it registers.
struct ServiceRecord {
  name @0 :Text;              # "crypto": the service a caller asks for
  instance @1 :Text;          # unique per process: "<host>/<pid>/<node id prefix>"
  endpoints @2 :List(Text);   # where callers reach it (advertised, not necessarily the bind address)
  host @3 :Text;
  version @4 :Text;
  publicKey @5 :Text;         # Z85 CurveZMQ server key; empty when the serverlet is not secured
  pid @6 :UInt32;
  startedMs @7 :UInt64;       # Unix epoch milliseconds
}

# Something a serverlet wants the control plane to know (a peer died, it starts draining, ...).
struct Report {
  level @0 :Text;             # debug, info, warn, error
  event @1 :Text;             # a short snake_case name: peer_dead, peer_alive, draining, ...
  detail @2 :Text;
  timeMs @3 :UInt64;
}

enum Command {
  none @0;
  drain @1;                   # leave the registry, finish what is in flight, then exit
  stop @2;                    # exit now (gracefully: in-flight calls get their answers or errors)
}

# admin.register: sent on start and then every heartbeat; the lease runs out after leaseMs without one.
struct RegisterRequest {
  record @0 :ServiceRecord;
  draining @1 :Bool;
  reports @2 :List(Report);   # reports since the previous heartbeat
}

struct RegisterReply {
  leaseMs @0 :UInt32;
  heartbeatMs @1 :UInt32;     # how often the registry wants to hear from the serverlet
  command @2 :Command;        # a control call waiting for this instance
}

# admin.deregister: a clean exit.
struct DeregisterRequest {
  instance @0 :Text;
}

enum Health {
  live @0;                    # heartbeats arrive
  draining @1;                # still heartbeating, no longer offered to callers
  dead @2;                    # lease ran out (kept in the list for a while)
  gone @3;                    # deregistered cleanly (kept in the list for a while)
}

struct Entry {
  record @0 :ServiceRecord;
  health @1 :Health;
  uptimeMs @2 :UInt64;        # since the serverlet started
  lastSeenMs @3 :UInt64;      # milliseconds since its last heartbeat
  probed @4 :Bool;            # stats holds a fresh sys.stats answer
  probeError @5 :Text;        # why a probe failed
  stats @6 :Sys.StatsReply;
}

# admin.list: every serverlet, or those of one service; probe asks each live one for sys.stats.
struct ListRequest {
  name @0 :Text;
  probe @1 :Bool;
}

struct ListReply {
  entries @0 :List(Entry);
}

# admin.resolve: the live endpoints of a service (what the bus's registry resolver asks).
struct ResolveRequest {
  name @0 :Text;
}

struct ResolveReply {
  endpoints @0 :List(Text);
  publicKeys @1 :List(Text);  # parallel to endpoints
  instances @2 :List(Text);   # parallel to endpoints
}

# admin.drain and admin.stop: a command delivered with the instance's next heartbeat.
struct ControlRequest {
  instance @0 :Text;
}

struct ControlReply {
  instance @0 :Text;
  command @1 :Command;
}

# Topic admin.diagnostics: registry changes and every serverlet's reports, one feed for the whole mesh.
struct Diagnostic {
  timeMs @0 :UInt64;
  name @1 :Text;
  instance @2 :Text;
  host @3 :Text;
  level @4 :Text;
  event @5 :Text;             # registered, dead, gone, draining, stopping, or a serverlet's own report
  detail @6 :Text;
}
