# Messages of the echo serverlet (services/echo), used by the bus tests, the benchmark and docs/serverlet.md.
@0xc0a29d1e06e61b1f;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");
using Json = import "/capnp/compat/json.capnp";

struct EchoRequest {
  text @0 :Text;
  data @1 :Data $Json.hex;
  delayMs @2 :UInt32;   # the handler sleeps (its fiber only) this long before answering
  count @3 :UInt32;     # echo.repeat: number of streamItems before the reply
}

struct EchoReply {
  text @0 :Text;
  data @1 :Data $Json.hex;
  calls @2 :UInt64;     # how many requests this handler instance has served
  node @3 :Text;        # name of the serverlet that answered
}

struct Tick {
  n @0 :UInt64;
  note @1 :Text;
}
