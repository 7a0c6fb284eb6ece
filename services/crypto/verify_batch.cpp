#include "verify_batch.hpp"

#include <algorithm>
#include <exception>

#include <boost/fiber/fiber.hpp>

#include "fields.hpp"

namespace skymesh::crypto {
namespace {

// A chunk is one job for the pool: large enough that the hop to a worker and back (a few microseconds) is
// small next to its checks (about 50 us each), small enough that concurrent batches share the workers evenly.
constexpr size_t k_min_chunk = 32;
constexpr size_t k_chunks_per_worker = 2;

void check_range(const cipher::Secp256k1& ctx, const std::vector<VerifyInput>& inputs,
                 std::vector<VerifyResult>& results, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) results[i] = check_signature(ctx, inputs[i]);
}

}  // namespace

bus::Result<VerifyInput> copy_verify_input(proto::VerifyRequest::Reader request) {
  VerifyInput input;
  auto digest = read_digest(request.getDigest(), "digest");
  if (!digest.ok()) return digest.status();
  input.digest = digest.value();
  auto signature = read_signature(request.getSignature(), "signature");
  if (!signature.ok()) return signature.status();
  input.signature = signature.value();
  if (bus::Status one = require_one_of_public_address(request.getPublic(), request.getAddress()); !one.ok()) {
    return one;
  }
  if (request.getPublic().size() > 0) {
    auto key = request.getPublic();
    if (key.size() != input.public_key.size()) {
      return bad_field("public", "public key must be 33 bytes (compressed), got " + std::to_string(key.size()));
    }
    input.by_public = true;
    std::copy(key.begin(), key.end(), input.public_key.begin());
  } else {
    input.address = view(request.getAddress());
  }
  return input;
}

VerifyResult check_signature(const cipher::Secp256k1& ctx, const VerifyInput& input) {
  cipher::Outcome<void> checked;
  if (input.by_public) {
    // The common case first: a well-formed signature whose recovered key is the given one byte for byte is
    // valid (cipher::verify's rule) and proves the key well formed, without parsing it (a square root, about a
    // tenth of the check). Otherwise the key is parsed to tell a malformed key from another signer.
    if (cipher::check_signature_form(input.signature)) {
      auto recovered = cipher::recover_public_key(ctx, input.signature, input.digest);
      if (recovered && recovered->bytes() == input.public_key) return VerifyResult{Verdict::valid, {}};
    }
    auto key = cipher::PublicKey::try_from_bytes(ctx, input.public_key);
    if (!key) return VerifyResult{Verdict::malformed, "public: " + key.message()};
    checked = cipher::verify(ctx, key.value(), input.signature, input.digest);
  } else {
    auto address = cipher::Address::try_from_base58(input.address);
    if (!address) return VerifyResult{Verdict::malformed, "address: " + address.fault().to_string()};
    checked = cipher::verify_address(ctx, address.value(), input.signature, input.digest);
  }
  if (!checked) return VerifyResult{Verdict::invalid, checked.fault().to_string()};
  return VerifyResult{Verdict::valid, {}};
}

std::vector<VerifyResult> verify_all(bus::WorkerPool& pool, const cipher::Secp256k1& ctx,
                                     const std::vector<VerifyInput>& inputs) {
  std::vector<VerifyResult> results(inputs.size());
  if (inputs.empty()) return results;
  const size_t max_chunks = std::max<size_t>(1, pool.size() * k_chunks_per_worker);
  const size_t chunks = std::clamp<size_t>(inputs.size() / k_min_chunk, 1, max_chunks);
  const size_t per_chunk = (inputs.size() + chunks - 1) / chunks;

  // Each worker writes its own range of `results`; the job's future orders those writes before our reads.
  // Chunk 0 runs from this fiber, the others from fibers of their own, so every chunk is queued at once.
  std::vector<std::exception_ptr> failures(chunks);
  auto run_chunk = [&pool, &ctx, &inputs, &results, &failures, per_chunk](size_t chunk) {
    const size_t begin = chunk * per_chunk;
    const size_t end = std::min(inputs.size(), begin + per_chunk);
    try {
      pool.run([&ctx, &inputs, &results, begin, end]() { check_range(ctx, inputs, results, begin, end); });
    } catch (...) {
      failures[chunk] = std::current_exception();
    }
  };
  std::vector<boost::fibers::fiber> fibers;
  fibers.reserve(chunks - 1);
  for (size_t chunk = 1; chunk < chunks; ++chunk) fibers.emplace_back([&run_chunk, chunk]() { run_chunk(chunk); });
  run_chunk(0);
  for (auto& fiber : fibers) fiber.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  return results;
}

}  // namespace skymesh::crypto
