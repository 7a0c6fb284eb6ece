// SHA-256 family and Skycoin's Merkle root. SHA-256 runs on OpenSSL's libcrypto through its low-level
// interface, which uses the CPU's SHA extensions (or AVX2) where present: about 4x libsodium's portable code on
// the short inputs a chain hashes (bench_crypto's sha256 figures; tests/crypto/hash_test.cpp checks the two agree).
// The one-shot SHA256() of OpenSSL 3 goes through EVP and costs more than the hash itself on such inputs.
#define OPENSSL_API_COMPAT 10101  // SHA256_Init and friends: deprecated in OpenSSL 3.0, still its fastest path
#include "skymesh/cipher/hash.hpp"

#include <vector>

#include <openssl/sha.h>
#include <sodium.h>

namespace skymesh::cipher {

Sha256 sha256(ByteView data) {
  SHA256_CTX state;
  SHA256_Init(&state);
  SHA256_Update(&state, data.data(), data.size());
  Sha256 out;
  SHA256_Final(out.data(), &state);
  return out;
}

Sha256 sha256(ByteView a, ByteView b) {
  SHA256_CTX state;
  SHA256_Init(&state);
  SHA256_Update(&state, a.data(), a.size());
  SHA256_Update(&state, b.data(), b.size());
  Sha256 out;
  SHA256_Final(out.data(), &state);
  // The state held whatever was hashed, which may be a seed.
  sodium_memzero(&state, sizeof state);
  return out;
}

Sha256 double_sha256(ByteView data) {
  Sha256 first = sha256(data);
  return sha256(first.view());
}

Sha256 add_sha256(const Sha256& a, const Sha256& b) {
  return sha256(a.view(), b.view());
}

Ripemd160 hash160(ByteView data) {
  Sha256 inner = sha256(data);
  return ripemd160(inner.view());
}

Sha256 merkle_root(std::span<const Sha256> hashes) {
  std::size_t width = 1;
  while (width < hashes.size()) width *= 2;
  std::vector<Sha256> level(hashes.begin(), hashes.end());
  level.resize(width);  // pads with zero hashes
  while (level.size() > 1) {
    std::vector<Sha256> next(level.size() / 2);
    for (std::size_t i = 0; i < next.size(); ++i) next[i] = add_sha256(level[2 * i], level[2 * i + 1]);
    level = std::move(next);
  }
  return level.front();
}

}  // namespace skymesh::cipher
