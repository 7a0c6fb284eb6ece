# The skybus envelope: every message between two serverlets is one Envelope (unpacked Cap'n Proto, stream
# framing); a ZeroMQ frame carries one or more of them back to back (docs/bus.md, "Wire format"). Field numbers
# only grow; a field never changes meaning.
@0xdb0af94675625c19;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");

const protocolVersion :UInt16 = 1;

enum Kind {
  request @0;     # asks the receiver to run a handler; answered by reply or error (or streamItems first)
  reply @1;       # the final answer to a request
  error @2;       # the final answer to a request that failed; errorCode/errorMessage say why
  event @3;       # one entry of a subscribed topic; `since` holds its sequence number in the topic
  cancel @4;      # the caller gave up on requestId: the receiver may stop work and sends no reply
  heartbeat @5;   # liveness probe when idle; answered with a heartbeat
  subscribe @6;   # asks for topic entries from `since` on, then live; `credit` entries may be sent
  unsubscribe @7; # ends the subscription whose handlerId is given
  credit @8;      # the subscriber consumed entries: `credit` more may be sent for handlerId
  streamItem @9;  # one of several partial answers to a request, before its final reply
}

enum StateClass {
  perRequest @0;          # answer depends on the call: never cached
  perConnection @1;
  perUser @2;
  invariant @3;           # same for all callers but may change: cached with a version (cacheVersion)
  invariantFunctional @4; # a pure function of the request: cached forever, keyed by SHA-256 of it
}

struct Envelope {
  version @0 :UInt16;       # protocolVersion of the sender
  kind @1 :Kind;
  streamId @2 :UInt64;      # the sender's stream (one per connection direction), chosen at random
  seq @3 :UInt64;           # 1, 2, 3 ... per streamId, gap-free: the receiver detects loss
  method @4 :Text;          # "service.method" of a request; echoed in its reply
  payloadType @5 :UInt64;   # Cap'n Proto schema id of the payload's root struct (0: no payload)
  handlerId @6 :UInt64;     # a request's reply-to handler on the caller, echoed by every answer
  target @7 :UInt64;        # handler bound at the receiver (function or object); 0: default by method
  requestId @8 :UInt64;     # unique per sender; (sender, requestId) identifies a request for dedup
  deadlineUs @9 :Int64;     # absolute deadline, microseconds since the Unix epoch; 0: none
  traceId @10 :UInt64;      # carried unchanged through downstream calls
  sender @11 :Data;         # the sending node's 16-byte id; empty in what a server sends back to a caller
  payload @12 :AnyPointer;  # a struct of schema payloadType, built in place (no nested serialization)
  errorCode @13 :UInt16;    # skymesh::bus::ErrorCode of an error
  errorMessage @14 :Text;
  topic @15 :Text;          # subscribe: the topic name
  since @16 :UInt64;        # subscribe: first seq wanted (0: from the start); event: this entry's seq
  credit @17 :UInt32;       # subscribe/credit: how many more events the subscriber accepts
  stateClass @18 :StateClass;  # a reply's caching class, from the handler's declaration
  cacheVersion @19 :UInt64; # invariant replies: the version; requests: the version the caller holds
  notModified @20 :Bool;    # reply to a request whose cacheVersion is current: use the cached reply
  doneBelow @21 :UInt64;    # requests: every request of this sender with a lower requestId is answered or
                            # abandoned, so the receiver may forget their cached answers (0: no claim)
}
