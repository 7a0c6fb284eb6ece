# The skybus wire format, protocol version 2 (docs/bus.md, "Wire format"). A ZeroMQ frame carries a
# FrameHeader, then one or more Envelopes, back to back, each an unpacked Cap'n Proto message in the standard
# stream framing. What is the same for every envelope of a frame (the protocol version, the sender's stream and
# id, the sequence numbers) is in its header; an envelope holds what differs, and the fields only some kinds use
# are in an Extra struct of its own, absent when none is set. Field numbers only grow; a field never changes
# meaning within a protocol version.
@0xdb0af94675625c19;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");

const protocolVersion :UInt16 = 2;

struct FrameHeader {
  version @0 :UInt16;       # protocolVersion of the sender (a version 1 frame, whose first envelope held its
                            # version in the same place, reads as version 1 and is refused by name)
  streamId @1 :UInt64;      # the sender's stream (one per connection direction), chosen at random
  firstSeq @2 :UInt64;      # seq of the frame's first envelope; the others follow 1, 2, ... on: per streamId,
                            # gap-free from 1, so the receiver detects loss
  sender @3 :Data;          # the sending node's 16-byte id; empty in what a server sends back to a caller
  doneBelow @4 :UInt64;     # from a caller: every request of this sender with a lower requestId is answered
                            # or abandoned, so the receiver may forget their cached answers (0: no claim)
}

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
  kind @0 :Kind;
  errorCode @1 :UInt16;     # skymesh::bus::ErrorCode of an error (its message is in extra)
  credit @2 :UInt32;        # subscribe/credit: how many more events the subscriber accepts
  requestId @3 :UInt64;     # unique per sender; (sender, requestId) identifies a request for dedup
  handlerId @4 :UInt64;     # a request's reply-to handler on the caller, echoed by every answer
  payloadType @5 :UInt64;   # Cap'n Proto schema id of the payload's root struct (0: no payload)
  deadlineUs @6 :Int64;     # absolute deadline, microseconds since the Unix epoch; 0: none
  traceId @7 :UInt64;       # carried unchanged through downstream calls
  method @8 :Text;          # "service.method" of a request (answers need not repeat it)
  payload @9 :AnyPointer;   # a struct of schema payloadType, built in place (no nested serialization)
  extra @10 :Extra;         # fields only some kinds use; null when none of them is set
}

# The envelope fields only some kinds of envelope use (subscriptions, events, errors, caching, bound handlers).
struct Extra {
  target @0 :UInt64;        # handler bound at the receiver (function or object); 0: default by method
  since @1 :UInt64;         # subscribe: first seq wanted (0: from the start); event: this entry's seq
  cacheVersion @2 :UInt64;  # invariant replies: the version; requests: the version the caller holds
  stateClass @3 :StateClass;  # a reply's caching class, from the handler's declaration
  notModified @4 :Bool;     # reply to a request whose cacheVersion is current: use the cached reply
  topic @5 :Text;           # subscribe, unsubscribe, credit, event: the topic name
  errorMessage @6 :Text;    # an error's message
}
