// Skycoin's deterministic key sequence (see deterministic.hpp for the recurrences). Every intermediate hash is
// secret material and is wiped before returning.
#include "skymesh/cipher/deterministic.hpp"

#include "internal.hpp"

namespace skymesh::cipher {

namespace {

// Skycoin's deterministicKeyPairIteratorStep, secret half: hash at least once, again while out of range.
SecretKey step_secret(const Sha256& seed) {
  Sha256 x = sha256(seed.view());
  detail::WipeOnExit wipe(x);
  while (!detail::secret_in_range(x.data())) x = sha256(x.view());
  return detail::KeyAccess::secret(x.data());
}

KeyPair step(const Secp256k1& ctx, const Sha256& seed) {
  SecretKey secret = step_secret(seed);
  return KeyPair{public_key_from_secret(ctx, secret), secret};
}

}  // namespace

SecretBytes secp256k1_hash(const Secp256k1& ctx, ByteView seed) {
  Sha256 h = sha256(seed);
  detail::WipeOnExit wipe_h(h);
  SecretKey a = step_secret(h);
  Sha256 hh = sha256(h.view());
  detail::WipeOnExit wipe_hh(hh);
  PublicKey b = step(ctx, hh).public_key;
  std::array<uint8_t, 33> shared = detail::ecdh_point(ctx, b, a);
  detail::WipeOnExit wipe_shared(shared);
  Sha256 out = sha256(h.view(), ByteView(shared));
  detail::WipeOnExit wipe_out(out);
  return SecretBytes(out.view());
}

Outcome<DeterministicStep> deterministic_next(const Secp256k1& ctx, ByteView seed) {
  if (seed.empty()) return Fault{CipherError::empty_seed, "deterministic key seed is empty"};
  SecretBytes s1 = secp256k1_hash(ctx, seed);
  Sha256 s2 = sha256(seed, s1.view());
  detail::WipeOnExit wipe(s2);
  KeyPair keys = step(ctx, s2);
  return DeterministicStep{std::move(s1), std::move(keys)};
}

Outcome<KeyPair> deterministic_key_pair(const Secp256k1& ctx, ByteView seed) {
  auto next = deterministic_next(ctx, seed);
  if (!next) return next.fault();
  return std::move(next.value().keys);
}

Outcome<DeterministicKeys> deterministic_key_pairs(const Secp256k1& ctx, ByteView seed, std::size_t n) {
  if (seed.empty()) return Fault{CipherError::empty_seed, "deterministic key seed is empty"};
  DeterministicKeys out{SecretBytes(seed), {}};
  out.keys.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto next = deterministic_next(ctx, out.next_seed.view());
    if (!next) return next.fault();
    out.next_seed = std::move(next.value().next_seed);
    out.keys.push_back(std::move(next.value().keys));
  }
  return out;
}

}  // namespace skymesh::cipher
