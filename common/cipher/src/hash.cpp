// SHA-256 family on libsodium, and Skycoin's Merkle root.
#include "skymesh/cipher/hash.hpp"

#include <vector>

#include <sodium.h>

namespace skymesh::cipher {

Sha256 sha256(ByteView data) {
  Sha256 out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Sha256 sha256(ByteView a, ByteView b) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, a.data(), a.size());
  crypto_hash_sha256_update(&state, b.data(), b.size());
  Sha256 out;
  crypto_hash_sha256_final(&state, out.data());
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
