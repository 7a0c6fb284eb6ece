// Hashes as Skycoin uses them: SHA-256 (OpenSSL's libcrypto, with the CPU's SHA extensions), double SHA-256,
// SHA256(a||b), RIPEMD-160 (our own, since libsodium lacks it) and Skycoin's Merkle root of a list of SHA-256
// hashes.
#pragma once

#include <span>

#include "skymesh/cipher/bytes.hpp"

namespace skymesh::cipher {

struct Sha256Tag;
struct Ripemd160Tag;
using Sha256 = FixedBytes<32, Sha256Tag>;
using Ripemd160 = FixedBytes<20, Ripemd160Tag>;

Sha256 sha256(ByteView data);
// SHA-256 of a||b without building the concatenation.
Sha256 sha256(ByteView a, ByteView b);
// SHA256(SHA256(data)).
Sha256 double_sha256(ByteView data);
// SHA256(a||b): Skycoin's AddSHA256, the Merkle tree's inner node.
Sha256 add_sha256(const Sha256& a, const Sha256& b);
Ripemd160 ripemd160(ByteView data);
// RIPEMD160(SHA256(data)): Bitcoin's hash160, BIP32's key identifier.
Ripemd160 hash160(ByteView data);

// Skycoin's cipher.Merkle: pad with zero hashes up to a power of two, then fold pairs with add_sha256 until one
// hash is left. One hash is its own root; an empty list gives the zero hash (one padding hash).
Sha256 merkle_root(std::span<const Sha256> hashes);

}  // namespace skymesh::cipher
