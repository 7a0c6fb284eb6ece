// The crypto serverlet: Skycoin's cipher (common/cipher) over the bus. Methods crypto.derive, keygen, sign,
// verify, verifyBatch, recover, address, hash and ecdh (proto/crypto.capnp, docs/crypto.md). Every method but
// keygen is a pure function of its request and is declared invariant-functional, so bus::Client caches it.
// Malformed input (wrong lengths, bad base58, invalid keys) is answered bad_request naming the field; a
// signature that does not verify is an answer (valid false), not an error.
//
// Threading: handlers run in fibers on the node's reactor thread. Work that may take long (verifyBatch,
// derive, hashing large data) runs on the WorkerPool from plain copies of the request; the rest is a few
// tens of microseconds and runs inline.
#pragma once

#include <cstddef>
#include <string>

#include "skymesh/bus/node.hpp"
#include "skymesh/bus/worker_pool.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/proto/crypto.capnp.h"

namespace skymesh::crypto {

// Bounds of one request; a larger one is bad_request (it would hold a worker, and memory, for long).
constexpr uint32_t k_max_derive_count = 10000;
constexpr size_t k_max_batch_items = 10000;
// Data up to this size is hashed inline; above it, on a worker.
constexpr size_t k_inline_hash_bytes = 64 * 1024;

class CryptoService {
 public:
  // Borrows all three; they must outlive the service. `ctx` is shared with the pool's workers (read-only).
  CryptoService(bus::Node& node, bus::WorkerPool& pool, const cipher::Secp256k1& ctx);
  CryptoService(const CryptoService&) = delete;
  CryptoService& operator=(const CryptoService&) = delete;

  // Registers the crypto.* methods on the node.
  bus::Status attach();

 private:
  bus::Status derive(proto::DeriveRequest::Reader request, proto::DeriveReply::Builder reply);
  bus::Status keygen(proto::KeygenRequest::Reader request, proto::KeyPair::Builder reply);
  bus::Status sign(proto::SignRequest::Reader request, proto::SignReply::Builder reply);
  bus::Status verify(proto::VerifyRequest::Reader request, proto::VerifyReply::Builder reply);
  bus::Status verify_batch(proto::VerifyBatchRequest::Reader request, proto::VerifyBatchReply::Builder reply);
  bus::Status recover(proto::RecoverRequest::Reader request, proto::RecoverReply::Builder reply);
  bus::Status address(proto::AddressRequest::Reader request, proto::AddressReply::Builder reply);
  bus::Status hash(proto::HashRequest::Reader request, proto::HashReply::Builder reply);
  bus::Status ecdh(proto::EcdhRequest::Reader request, proto::EcdhReply::Builder reply);

  bus::Node& node_;
  bus::WorkerPool& pool_;
  const cipher::Secp256k1& ctx_;
};

}  // namespace skymesh::crypto
