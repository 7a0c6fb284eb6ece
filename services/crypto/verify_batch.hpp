// Signature checks as plain values, so they can run on worker threads. A VerifyInput is a copy of one
// VerifyRequest (no Cap'n Proto reader inside); checking it needs only the shared, read-only Secp256k1.
// verify_all() spreads a batch over a WorkerPool and blocks only the calling fiber.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "skymesh/bus/status.hpp"
#include "skymesh/bus/worker_pool.hpp"
#include "skymesh/cipher/cipher.hpp"
#include "skymesh/proto/crypto.capnp.h"

namespace skymesh::crypto {

struct VerifyInput {
  cipher::Sha256 digest;
  cipher::Signature signature;
  // Exactly one is set: the 33 raw bytes of `public` (parsed by the check, off the bus thread), or `address`.
  bool by_public = false;
  std::array<uint8_t, cipher::PublicKey::k_size> public_key{};
  std::string address;
};

enum class Verdict : uint8_t {
  valid,
  invalid,    // a well-formed signature that does not verify: an answer (valid false)
  malformed,  // the public key or the address itself is bad: the caller's error (bad_request)
};

struct VerifyResult {
  Verdict verdict = Verdict::malformed;
  // invalid: "<cipher error>: <message>"; malformed: "<field>: <message>"; valid: empty.
  std::string reason;
};

// Copies `request`, checking field lengths and that exactly one of public and address is given. The error
// names the field without a prefix ("signature: ...").
bus::Result<VerifyInput> copy_verify_input(proto::VerifyRequest::Reader request);

// Parses the key or address and applies Skycoin's verification rule. Thread-safe.
VerifyResult check_signature(const cipher::Secp256k1& ctx, const VerifyInput& input);

// Checks every input on the pool's workers, a chunk per job, several jobs at once; results in input order.
// Blocks only the calling fiber; the bus thread keeps serving. `inputs` must not change until it returns.
std::vector<VerifyResult> verify_all(bus::WorkerPool& pool, const cipher::Secp256k1& ctx,
                                     const std::vector<VerifyInput>& inputs);

}  // namespace skymesh::crypto
