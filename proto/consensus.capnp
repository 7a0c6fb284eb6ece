# Messages of the consensus serverlet (services/consensus; docs/consensus.md, "The serverlet"). Protocol values
# travel in the consensus library's own binary encoding (common/consensus messages.hpp), as Data.
@0x99170c1867f683cf;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");
using Json = import "/capnp/compat/json.capnp";

# An event of topic consensus.messages (an in-memory ring, live): one proposal, vote or certificate this node
# signed or re-sends, encode(Message).
struct ConsensusMessageEvent {
  message @0 :Data $Json.hex;
}

# An event of topic consensus.commits (a durable log): the block decided at `height` is entry `height` (heights
# count from 1, as log entries do), so "since N" is "every block from height N on".
struct ConsensusCommitEvent {
  height @0 :UInt64;
  block @1 :Data $Json.hex;        # encode(Block), Skycoin binary
  certificate @2 :Data $Json.hex;  # encode(CommitCertificate)
}

# consensus.status
struct ConsensusStatusRequest {}

struct ConsensusStatusReply {
  height @0 :UInt64;               # being decided
  round @1 :UInt32;
  step @2 :Text;                   # propose, prevote or precommit
  lockedRound @3 :Int32;           # -1: not locked
  lockedBlock @4 :Data $Json.hex;  # the locked block's hash (SHA-256 of its bytes); empty when not locked
  trustSet @5 :List(Text);         # public keys, hex, in the protocol's order
  quorum @6 :UInt32;
  self @7 :Text;                   # this node's public key, hex
  lastCertificate @8 :Data $Json.hex;  # encode(CommitCertificate) of height - 1; empty before the first
  messagesSeq @9 :UInt64;          # the last entry of this node's consensus.messages
  refused @10 :UInt64;             # the machine's counters
  duplicates @11 :UInt64;
  dropped @12 :UInt64;
  idle @13 :Bool;                  # waiting for work before starting `height` (no transaction, no peer there)
}

# consensus.evidence: every pair of conflicting signed messages seen from one key.
struct ConsensusEvidenceRequest {}

struct ConsensusEvidence {
  kind @0 :Text;                # "vote" or "proposal"
  signer @1 :Text;              # public key, hex
  first @2 :Data $Json.hex;     # encode(Message)
  second @3 :Data $Json.hex;
}

struct ConsensusEvidenceReply {
  evidence @0 :List(ConsensusEvidence);
}
