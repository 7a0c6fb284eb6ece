# Introspection every serverlet answers: sys.ping, sys.info, sys.stats.
@0xf867084b587ed840;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");

using Schema = import "/capnp/schema.capnp";
using Envelope = import "envelope.capnp";
using Json = import "/capnp/compat/json.capnp";

struct Empty {}

struct PingReply {
  name @0 :Text;
  timeUs @1 :Int64;        # the serverlet's wall clock, microseconds since the Unix epoch
}

struct MethodInfo {
  name @0 :Text;
  requestType @1 :UInt64;  # schema ids, resolvable through InfoReply.schemas
  replyType @2 :UInt64;
  stateClass @3 :Envelope.StateClass;
  streaming @4 :Bool;      # the handler may send streamItems before its reply
}

struct TopicInfo {
  name @0 :Text;
  eventType @1 :UInt64;
  durable @2 :Bool;
  firstSeq @3 :UInt64;
  lastSeq @4 :UInt64;
}

struct InfoReply {
  name @0 :Text;
  version @1 :Text;
  nodeId @2 :Data $Json.hex;
  uptimeMs @3 :UInt64;
  endpoints @4 :List(Text);
  methods @5 :List(MethodInfo);
  topics @6 :List(TopicInfo);
  schemas @7 :List(Schema.Node);  # every struct and enum the methods and topics use, for JSON tools
  publicKey @8 :Text;              # Z85 CurveZMQ server key, empty when not secured
}

struct MethodStats {
  name @0 :Text;
  calls @1 :UInt64;
  errors @2 :UInt64;
  p50Us @3 :UInt64;
  p99Us @4 :UInt64;
  maxUs @5 :UInt64;
  histogram @6 :List(UInt64);  # bucket i counts calls of latency in [2^i, 2^(i+1)) microseconds
}

struct StatsReply {
  uptimeMs @0 :UInt64;
  received @1 :UInt64;
  sent @2 :UInt64;
  malformed @3 :UInt64;        # envelopes or payloads that did not decode
  duplicates @4 :UInt64;       # retried requests answered from the reply cache
  gaps @5 :UInt64;             # sequence gaps detected on incoming streams
  lateReplies @6 :UInt64;      # replies that arrived after their caller gave up
  peersDead @7 :UInt64;
  inFlight @8 :UInt64;
  methods @9 :List(MethodStats);
  # The reactor's idle waits (shared by every node on its thread): waits that could sleep in poll(), those that
  # polled first without sleeping (ReactorOptions::spin), those spins that found input, and those ended because
  # other threads had the CPU (the loop then does not spin for a while).
  loopSleeps @10 :UInt64;
  loopSpins @11 :UInt64;
  loopSpinHits @12 :UInt64;
  loopSpinsContended @13 :UInt64;
}
