# Messages of the crypto serverlet (services/crypto): Skycoin's cipher over the bus. Byte fields travel as hex in
# JSON ($Json.hex); addresses are base58 Text. Lengths are checked by the serverlet, which answers bad_request
# naming the field: digests 32 bytes, secret keys 32, public keys 33 (compressed), signatures 65 (r||s||recid).
@0xe94c8d421ad46912;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("skymesh::proto");
using Json = import "/capnp/compat/json.capnp";

# A key pair with its Skycoin address. The secret travels in the clear: call only over loopback or CurveZMQ.
struct KeyPair {
  secret @0 :Data $Json.hex;
  public @1 :Data $Json.hex;
  address @2 :Text;
}

# crypto.derive: Skycoin's GenerateDeterministicKeyPairsSeed.
struct DeriveRequest {
  seed @0 :Data $Json.hex;   # not empty
  count @1 :UInt32;          # 1..10000
}

struct DeriveReply {
  keys @0 :List(KeyPair);
  nextSeed @1 :Data $Json.hex;  # feed it back as `seed` to continue the sequence
}

# crypto.keygen: a fresh random key pair (libsodium's CSPRNG). Never cached.
struct KeygenRequest {}

# crypto.sign: deterministic (RFC6979) low-S recoverable signature over the digest as given (no hashing inside).
struct SignRequest {
  digest @0 :Data $Json.hex;  # not all zero (Skycoin refuses to sign it)
  secret @1 :Data $Json.hex;
}

struct SignReply {
  signature @0 :Data $Json.hex;
}

# crypto.verify, and one item of crypto.verifyBatch: exactly one of `public` and `address` is given.
struct VerifyRequest {
  digest @0 :Data $Json.hex;
  signature @1 :Data $Json.hex;
  public @2 :Data $Json.hex;
  address @3 :Text;
}

# A signature that does not verify is an answer, not an error: valid false and the cipher's reason
# (e.g. "public_key_mismatch: ..."). reason is empty when valid.
struct VerifyReply {
  valid @0 :Bool;
  reason @1 :Text;
}

struct VerifyBatchRequest {
  items @0 :List(VerifyRequest);  # at most 10000
}

struct VerifyBatchReply {
  results @0 :List(VerifyReply);  # one per item, in order
}

# crypto.recover: the public key (and its address) that made the signature over the digest.
struct RecoverRequest {
  digest @0 :Data $Json.hex;
  signature @1 :Data $Json.hex;
}

struct RecoverReply {
  public @0 :Data $Json.hex;
  address @1 :Text;
}

# crypto.address: exactly one of `public` (derive its addresses) and `address` (validate and decode it).
struct AddressRequest {
  public @0 :Data $Json.hex;
  address @1 :Text;
}

struct AddressReply {
  address @0 :Text;           # the Skycoin address
  bitcoinAddress @1 :Text;    # from `public` only: Bitcoin's address of the same key (empty for `address`)
  key20 @2 :Data $Json.hex;   # RIPEMD160(SHA256(SHA256(public))), the 20 bytes the Skycoin address names
  version @3 :UInt8;          # the Skycoin address version (always 0)
}

enum HashKind {
  sha256 @0;
  doubleSha256 @1;
  ripemd160 @2;
}

# crypto.hash: 32-byte digest for the SHA-256 kinds, 20 bytes for ripemd160 (of the data itself).
struct HashRequest {
  data @0 :Data $Json.hex;
  kind @1 :HashKind;
}

struct HashReply {
  digest @0 :Data $Json.hex;
}

# crypto.ecdh: Skycoin's cipher.ECDH, SHA-256 of the compressed shared point secret * public.
struct EcdhRequest {
  secret @0 :Data $Json.hex;
  public @1 :Data $Json.hex;
}

struct EcdhReply {
  shared @0 :Data $Json.hex;
}
