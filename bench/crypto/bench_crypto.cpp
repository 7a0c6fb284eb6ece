// bench_crypto: signing and verification per second on one core, raw libsecp256k1 against skymesh_cipher,
// and Skycoin deterministic key derivation per second.
//   bench_crypto [--seconds S]   (S per measurement, default 2)
// Each measurement is split into rounds interleaved with the others and the best round is kept, so a neighbour
// that steals the core for a moment skews raw and lib alike instead of one of them.
// raw_* call secp256k1_ecdsa_sign_recoverable / secp256k1_ecdsa_recover directly (sign + compact serialise;
// parse + recover + serialise + compare), the minimum the library's sign() and verify() must also do.
// Last line: one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "skymesh/cipher/cipher.hpp"

namespace {

using namespace skymesh::cipher;
using Clock = std::chrono::steady_clock;

constexpr std::size_t k_keys = 256;

struct Fixture {
  std::vector<SecretKey> secrets;
  std::vector<PublicKey> publics;
  std::vector<Sha256> digests;
  std::vector<Signature> signatures;
};

Fixture make_fixture(const Secp256k1& ctx) {
  Fixture f;
  for (std::size_t i = 0; i < k_keys; ++i) {
    SecretKey secret = SecretKey::from_bytes(sha256(as_bytes("bench key " + std::to_string(i))).view());
    f.publics.push_back(public_key_from_secret(ctx, secret));
    f.digests.push_back(sha256(as_bytes("bench digest " + std::to_string(i))));
    f.signatures.push_back(sign(ctx, f.digests.back(), secret));
    f.secrets.push_back(secret);
  }
  return f;
}

// Runs op(i) for i = 0, 1, ... until `seconds` have passed; returns operations per second.
template <typename Op>
double per_second(double seconds, Op op) {
  const auto start = Clock::now();
  const auto budget = std::chrono::duration<double>(seconds);
  uint64_t done = 0;
  while (true) {
    for (int batch = 0; batch < 64; ++batch) op(done++);
    auto elapsed = Clock::now() - start;
    if (elapsed >= budget) return static_cast<double>(done) / std::chrono::duration<double>(elapsed).count();
  }
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--seconds" && i + 1 < argc) {
      seconds = std::strtod(argv[++i], nullptr);
    } else {
      std::fprintf(stderr, "usage: %s [--seconds S]\n", argv[0]);
      return 2;
    }
  }
  if (!(seconds > 0)) seconds = 2.0;

  Secp256k1 ctx;
  const secp256k1_context* raw = ctx.get();
  Fixture f = make_fixture(ctx);
  volatile uint8_t sink = 0;  // results feed it so the compiler cannot drop the work

  auto raw_sign_op = [&](uint64_t i) {
    std::size_t k = i % k_keys;
    secp256k1_ecdsa_recoverable_signature sig;
    unsigned char out[65];
    int recid = 0;
    if (secp256k1_ecdsa_sign_recoverable(raw, &sig, f.digests[k].data(), f.secrets[k].data(), nullptr, nullptr)) {
      secp256k1_ecdsa_recoverable_signature_serialize_compact(raw, out, &recid, &sig);
      sink = sink ^ out[0] ^ static_cast<uint8_t>(recid);
    }
  };
  auto lib_sign_op = [&](uint64_t i) {
    std::size_t k = i % k_keys;
    sink = sink ^ sign(ctx, f.digests[k], f.secrets[k]).data()[0];
  };
  auto raw_verify_op = [&](uint64_t i) {
    std::size_t k = i % k_keys;
    const Signature& s = f.signatures[k];
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey point;
    unsigned char out[33];
    std::size_t size = sizeof out;
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(raw, &sig, s.data(), s.data()[64]) &&
        secp256k1_ecdsa_recover(raw, &point, &sig, f.digests[k].data()) &&
        secp256k1_ec_pubkey_serialize(raw, out, &size, &point, SECP256K1_EC_COMPRESSED)) {
      sink = sink ^ static_cast<uint8_t>(std::memcmp(out, f.publics[k].data(), size) == 0);
    }
  };
  auto lib_verify_op = [&](uint64_t i) {
    std::size_t k = i % k_keys;
    sink = sink ^ static_cast<uint8_t>(verify(ctx, f.publics[k], f.signatures[k], f.digests[k]).ok());
  };
  SecretBytes seed(as_bytes("bench deterministic seed"));
  auto derive_op = [&](uint64_t) {
    auto next = deterministic_next(ctx, seed.view());
    seed = std::move(next.value().next_seed);
    sink = sink ^ next.value().keys.public_key.data()[1];
  };

  constexpr int k_rounds = 4;
  const double slice = seconds / k_rounds;
  double raw_sign = 0, lib_sign = 0, raw_verify = 0, lib_verify = 0, derive = 0;
  for (int round = 0; round < k_rounds; ++round) {
    raw_sign = std::max(raw_sign, per_second(slice, raw_sign_op));
    lib_sign = std::max(lib_sign, per_second(slice, lib_sign_op));
    raw_verify = std::max(raw_verify, per_second(slice, raw_verify_op));
    lib_verify = std::max(lib_verify, per_second(slice, lib_verify_op));
    derive = std::max(derive, per_second(slice, derive_op));
  }

  std::printf("raw_sign_per_s:   %.0f\n", raw_sign);
  std::printf("lib_sign_per_s:   %.0f  (%.1f%% of raw)\n", lib_sign, 100.0 * lib_sign / raw_sign);
  std::printf("raw_verify_per_s: %.0f\n", raw_verify);
  std::printf("lib_verify_per_s: %.0f  (%.1f%% of raw)\n", lib_verify, 100.0 * lib_verify / raw_verify);
  std::printf("derive_per_s:     %.0f  (Skycoin DeterministicKeyPairIterator: 2 base-point mults + 1 ECDH)\n", derive);
  std::printf("{\"bench\":\"crypto\",\"seconds_per_measure\":%.2f,\"raw_sign_per_s\":%.0f,\"lib_sign_per_s\":%.0f,"
              "\"raw_verify_per_s\":%.0f,\"lib_verify_per_s\":%.0f,\"derive_per_s\":%.0f}\n",
              seconds, raw_sign, lib_sign, raw_verify, lib_verify, derive);
  return 0;
}
