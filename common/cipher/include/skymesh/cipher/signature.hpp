// Recoverable ECDSA signatures in Skycoin's 65-byte form r(32, big-endian) || s(32) || recovery id(1).
// Signing takes a 32-byte digest as is (no hashing inside), with libsecp256k1's deterministic RFC6979 nonce,
// and always yields low S. Verification follows Skycoin: the top bit of s must be clear, the recovery id below
// 4, and the public key recovered from signature and digest must be the expected one.
#pragma once

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/hash.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"

namespace skymesh::cipher {

struct SignatureTag;
// Any 65 bytes; whether they form a valid signature is decided by the functions below.
using Signature = FixedBytes<65, SignatureTag>;

// Throws CipherException(null_digest) for the all-zero digest, which Skycoin refuses to sign.
Signature sign(const Secp256k1& ctx, const Sha256& digest, const SecretKey& secret);

// Skycoin's shape rule alone: top bit of byte 32 (s) clear, recovery id < 4.
Outcome<void> check_signature_form(const Signature& sig);

// The public key that made sig over digest. Like Skycoin's PubKeyFromSig this does not apply the shape rule to
// s (verify() does); it refuses a recovery id >= 4 and r or s out of range.
Outcome<PublicKey> recover_public_key(const Secp256k1& ctx, const Signature& sig, const Sha256& digest);

// sig was made by pub over digest (Skycoin's VerifyPubKeySignedHash).
Outcome<void> verify(const Secp256k1& ctx, const PublicKey& pub, const Signature& sig, const Sha256& digest);

// sig was made over digest by the key address names (Skycoin's VerifyAddressSignedHash).
Outcome<void> verify_address(const Secp256k1& ctx, const Address& address, const Signature& sig, const Sha256& digest);

}  // namespace skymesh::cipher
