// Skycoin's deterministic wallet keys (cipher.GenerateDeterministicKeyPairsSeed). With H = SHA-256:
//   step(s):       x = H(s), repeated x = H(x) while x is not a valid secret; returns (compress(x*G), x)
//   secp_hash(s):  h = H(s); a = secret of step(h); B = public of step(H(h)); return H(h || compress(a*B))
//   next(s):       s1 = secp_hash(s); (public, secret) = step(H(s || s1)); returns (s1, public, secret)
// keys(seed, n) applies next() n times feeding s1 forward; the last s1 is the wallet's next seed. Seeds are
// secret material and are handed back as SecretBytes.
#pragma once

#include <cstddef>
#include <vector>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"

namespace skymesh::cipher {

struct DeterministicStep {
  SecretBytes next_seed;  // s1: feed it to the next call
  KeyPair keys;
};

struct DeterministicKeys {
  SecretBytes next_seed;  // the wallet's seed after these keys
  std::vector<KeyPair> keys;
};

// Skycoin's Secp256k1Hash: a SHA-256 salted with an ECDH on the curve. Any seed length, even empty.
SecretBytes secp256k1_hash(const Secp256k1& ctx, ByteView seed);

// Skycoin's DeterministicKeyPairIterator. Refuses an empty seed.
Outcome<DeterministicStep> deterministic_next(const Secp256k1& ctx, ByteView seed);

// Skycoin's GenerateDeterministicKeyPair: the first key of the seed.
Outcome<KeyPair> deterministic_key_pair(const Secp256k1& ctx, ByteView seed);

// Skycoin's GenerateDeterministicKeyPairsSeed: n keys and the seed that continues the sequence (the input
// seed itself when n == 0). Refuses an empty seed.
Outcome<DeterministicKeys> deterministic_key_pairs(const Secp256k1& ctx, ByteView seed, std::size_t n);

}  // namespace skymesh::cipher
