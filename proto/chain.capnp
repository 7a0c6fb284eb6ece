# Messages of the chain serverlet (services/chain): Skycoin's chain stored in LMDB, over the bus. Byte fields
# travel as hex in JSON ($Json.hex); lists of ids and signatures are hex Text; addresses are base58 Text; coins
# are droplets (10^6 per SKY). 64-bit integers are strings in JSON, as Cap'n Proto's codec writes them.
@0xe539cbc982f4087d;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");
using Json = import "/capnp/compat/json.capnp";

struct ChainBlockHeader {
  version @0 :UInt32;
  time @1 :UInt64;
  seq @2 :UInt64;
  fee @3 :UInt64;
  prevHash @4 :Data $Json.hex;
  bodyHash @5 :Data $Json.hex;
  uxHash @6 :Data $Json.hex;
}

struct ChainOutput {
  id @0 :Data $Json.hex;
  address @1 :Text;
  coins @2 :UInt64;
  hours @3 :UInt64;
}

struct ChainTransaction {
  id @0 :Data $Json.hex;
  length @1 :UInt32;
  type @2 :UInt8;
  innerHash @3 :Data $Json.hex;
  sigs @4 :List(Text);     # 65-byte signatures, hex
  inputs @5 :List(Text);   # ids of the outputs spent, hex
  outputs @6 :List(ChainOutput);
  raw @7 :Data $Json.hex;  # Skycoin's binary encoding
}

struct ChainBlock {
  hash @0 :Data $Json.hex;
  header @1 :ChainBlockHeader;
  transactions @2 :List(ChainTransaction);
  size @3 :UInt64;              # the transactions' encoded sizes together
  signature @4 :Data $Json.hex; # the block-maker's; empty for a block imported without one
  raw @5 :Data $Json.hex;       # encode(Block), without the signature
}

# chain.status
struct ChainStatusRequest {}

struct ChainStatusReply {
  network @0 :Text;
  empty @1 :Bool;              # no block yet: the other head fields are zero
  headSeq @2 :UInt64;
  headHash @3 :Data $Json.hex;
  headTime @4 :UInt64;
  uxHash @5 :Data $Json.hex;   # unspent-set hash after the head block
  unspentCount @6 :UInt64;
  poolSize @7 :UInt32;         # unconfirmed transactions
  blockMaker @8 :Data $Json.hex;  # the network's block-making public key
  makesBlocks @9 :Bool;        # this node holds the block-making secret key
}

# chain.block: by `hash` when it is given, else by `seq`. Invariant-functional (a stored block never changes).
struct ChainBlockRequest {
  seq @0 :UInt64;
  hash @1 :Data $Json.hex;
}

# chain.blocks: seq from..to inclusive, at most 1000 blocks; blocks past the head are left out.
struct ChainBlocksRequest {
  from @0 :UInt64;
  to @1 :UInt64;
}

struct ChainBlocksReply {
  blocks @0 :List(ChainBlock);
}

# chain.transaction: a confirmed transaction or one in the pool.
struct ChainTransactionRequest {
  id @0 :Data $Json.hex;
}

struct ChainTransactionReply {
  transaction @0 :ChainTransaction;
  confirmed @1 :Bool;
  blockSeq @2 :UInt64;  # when confirmed
  index @3 :UInt32;     # position in the block, when confirmed
}

# chain.outputs and chain.balance: at most 1000 addresses.
struct ChainAddressesRequest {
  addresses @0 :List(Text);
}

struct ChainUnspent {
  id @0 :Data $Json.hex;
  address @1 :Text;
  coins @2 :UInt64;
  hours @3 :UInt64;            # as created
  calculatedHours @4 :UInt64;  # at the head block's time
  time @5 :UInt64;             # of the block that created it
  blockSeq @6 :UInt64;
  sourceTransaction @7 :Data $Json.hex;
}

struct ChainOutputsReply {
  headSeq @0 :UInt64;
  headTime @1 :UInt64;
  outputs @2 :List(ChainUnspent);
}

struct ChainBalanceReply {
  headSeq @0 :UInt64;
  coins @1 :UInt64;
  hours @2 :UInt64;    # at the head block's time
  outputs @3 :UInt32;
}

# chain.history: the confirmed transactions that paid any of `addresses` (at most 1000) or spent one of their
# outputs, in chain order, from block `fromSeq` on. A reply holds whole blocks and stops after about 1000
# transactions; `more` then says to ask again from `nextSeq`. Unconfirmed ones are in chain.pool.
struct ChainHistoryRequest {
  addresses @0 :List(Text);
  fromSeq @1 :UInt64;
}

struct ChainHistoryEntry {
  transaction @0 :ChainTransaction;
  blockSeq @1 :UInt64;
  index @2 :UInt32;     # position in the block
  time @3 :UInt64;      # the block's time
}

struct ChainHistoryReply {
  headSeq @0 :UInt64;
  entries @1 :List(ChainHistoryEntry);
  more @2 :Bool;
  nextSeq @3 :UInt64;   # when `more`
}

# chain.inject: a transaction (Skycoin's binary encoding) for the unconfirmed pool. Refusals: bad_request for
# bytes that do not decode or a transaction of bad form (codes 1-32), failed_precondition for the rest (inputs
# not unspent, spent by a pool transaction, ownership, hours, soft rules); the message starts with the coin code
# and name, e.g. "41 signature_not_owner: ...".
struct ChainInjectRequest {
  raw @0 :Data $Json.hex;
}

struct ChainInjectReply {
  id @0 :Data $Json.hex;
  fee @1 :UInt64;          # coin hours it burns
  alreadyKnown @2 :Bool;   # it was in the pool already
}

# chain.object: the encoding of a block, transaction or output by its SHA-256. Invariant-functional.
struct ChainObjectRequest {
  id @0 :Data $Json.hex;
}

struct ChainObjectReply {
  raw @0 :Data $Json.hex;
}

# chain.pool: the unconfirmed transactions, oldest first.
struct ChainPoolRequest {}

struct ChainPoolReply {
  transactions @0 :List(ChainTransaction);
}

# An event of topic chain.blocks: the block of seq S is the log's entry S + 1 (logs count from 1), so a node
# that holds blocks 0..H subscribes since H + 2. `block` is encode(Block); `signature` the block-maker's (empty
# for a block imported without one).
struct ChainBlockEvent {
  seq @0 :UInt64;
  hash @1 :Data $Json.hex;
  block @2 :Data $Json.hex;
  signature @3 :Data $Json.hex;
}

# chain.make_block (only on the node holding the block-making key): the pool's transactions that fit, oldest
# first, in a block signed with that key. `time` 0 means now (at least the head's time + 1).
struct ChainMakeBlockRequest {
  time @0 :UInt64;
}

struct ChainMakeBlockReply {
  seq @0 :UInt64;
  hash @1 :Data $Json.hex;
  transactions @2 :UInt32;
  fee @3 :UInt64;
}

# Consensus hooks (a chain started with --consensus; docs/chain.md, "Blocks decided by consensus"). Such a chain
# makes no block itself and takes blocks only through chain.commit, from its consensus serverlet.

# chain.propose: the next block built from the pool on the head (oldest transactions first, while they fit),
# unsigned, as encode(Block). An empty pool gives an empty `block` (a Skycoin block must hold transactions).
# `time` 0 means now (at least the head's time + 1).
struct ChainProposeRequest {
  time @0 :UInt64;
}

struct ChainProposeReply {
  block @0 :Data $Json.hex;
  seq @1 :UInt64;
  transactions @2 :UInt32;
}

# chain.validate: would the block be accepted on the head (hard rules)? `ok`, or the coin rule it breaks: `code`
# (CoinError) and `message` ("41 signature_not_owner: ...").
struct ChainValidateRequest {
  block @0 :Data $Json.hex;
}

struct ChainValidateReply {
  ok @0 :Bool;
  code @1 :UInt16;
  message @2 :Text;
}

# chain.commit: a block consensus decided, with the encoded commit certificate (consensus::CommitCertificate).
# Hard rules, then one LMDB write transaction, published on chain.blocks; the certificate is stored by seq.
# Committing the head block again is accepted (alreadyCommitted); another block at a stored seq is refused.
struct ChainCommitRequest {
  block @0 :Data $Json.hex;
  certificate @1 :Data $Json.hex;
}

struct ChainCommitReply {
  seq @0 :UInt64;
  hash @1 :Data $Json.hex;
  alreadyCommitted @2 :Bool;
}

# chain.certificate: the commit certificate stored with block `seq` (not_found for a block without one).
struct ChainCertificateRequest {
  seq @0 :UInt64;
}

struct ChainCertificateReply {
  seq @0 :UInt64;
  certificate @1 :Data $Json.hex;
}
