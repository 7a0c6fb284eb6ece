#include "crypto_service.hpp"

#include <sodium.h>

#include <utility>
#include <vector>

#include "fields.hpp"
#include "skymesh/cipher/cipher.hpp"
#include "verify_batch.hpp"

namespace skymesh::crypto {
namespace {

using bus::StateClass;

capnp::Data::Reader data_of(cipher::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}

void fill_key_pair(proto::KeyPair::Builder out, const cipher::KeyPair& pair, const std::string& address) {
  out.setSecret(data_of(pair.secret_key.view()));
  out.setPublic(data_of(pair.public_key.view()));
  out.setAddress(address);
}

// A derived key with its address, computed on the worker with the key.
struct DerivedKey {
  cipher::KeyPair pair;
  std::string address;
};

struct Derived {
  cipher::SecretBytes next_seed;
  std::vector<DerivedKey> keys;
};

bool known_hash_kind(proto::HashKind kind) {
  return kind == proto::HashKind::SHA256 || kind == proto::HashKind::DOUBLE_SHA256 ||
         kind == proto::HashKind::RIPEMD160;
}

// The digest is handed back as SecretBytes: hashing a secret (a seed) can give another secret.
cipher::SecretBytes hash_of(proto::HashKind kind, cipher::ByteView data) {
  if (kind == proto::HashKind::RIPEMD160) {
    cipher::Ripemd160 digest = cipher::ripemd160(data);
    cipher::SecretBytes out(digest.view());
    sodium_memzero(digest.data(), digest.size());
    return out;
  }
  cipher::Sha256 digest = kind == proto::HashKind::DOUBLE_SHA256 ? cipher::double_sha256(data) : cipher::sha256(data);
  cipher::SecretBytes out(digest.view());
  sodium_memzero(digest.data(), digest.size());
  return out;
}

}  // namespace

CryptoService::CryptoService(bus::Node& node, bus::WorkerPool& pool, const cipher::Secp256k1& ctx)
    : node_(node), pool_(pool), ctx_(ctx) {}

bus::Status CryptoService::attach() {
  using namespace proto;
  const bus::MethodOptions pure{StateClass::INVARIANT_FUNCTIONAL, {}, false};
  node_.handle<DeriveRequest, DeriveReply>("crypto.derive", this, &CryptoService::derive, pure);
  node_.handle<KeygenRequest, KeyPair>("crypto.keygen", this, &CryptoService::keygen);
  node_.handle<SignRequest, SignReply>("crypto.sign", this, &CryptoService::sign, pure);
  node_.handle<VerifyRequest, VerifyReply>("crypto.verify", this, &CryptoService::verify, pure);
  node_.handle<VerifyBatchRequest, VerifyBatchReply>("crypto.verifyBatch", this, &CryptoService::verify_batch, pure);
  node_.handle<RecoverRequest, RecoverReply>("crypto.recover", this, &CryptoService::recover, pure);
  node_.handle<AddressRequest, AddressReply>("crypto.address", this, &CryptoService::address, pure);
  node_.handle<HashRequest, HashReply>("crypto.hash", this, &CryptoService::hash, pure);
  node_.handle<EcdhRequest, EcdhReply>("crypto.ecdh", this, &CryptoService::ecdh, pure);
  return bus::Status();
}

bus::Status CryptoService::derive(proto::DeriveRequest::Reader request, proto::DeriveReply::Builder reply) {
  const uint32_t count = request.getCount();
  if (count < 1 || count > k_max_derive_count) {
    return bad_field("count", "must be 1.." + std::to_string(k_max_derive_count) + ", got " + std::to_string(count));
  }
  if (request.getSeed().size() == 0) return bad_field("seed", "must not be empty");
  // About 100 us per key: derive on a worker, from a copy of the seed that is wiped when it dies.
  const cipher::SecretBytes seed(view(request.getSeed()));
  Derived derived = pool_.run([this, &seed, count]() {
    cipher::DeterministicKeys keys = cipher::deterministic_key_pairs(ctx_, seed.view(), count).value();
    Derived out{std::move(keys.next_seed), {}};
    out.keys.reserve(keys.keys.size());
    for (const cipher::KeyPair& pair : keys.keys) {
      out.keys.push_back(DerivedKey{pair, cipher::Address::from_public_key(pair.public_key).to_base58()});
    }
    return out;
  });
  auto keys = reply.initKeys(count);
  for (uint32_t i = 0; i < count; ++i) fill_key_pair(keys[i], derived.keys[i].pair, derived.keys[i].address);
  reply.setNextSeed(data_of(derived.next_seed.view()));
  return bus::Status();
}

bus::Status CryptoService::keygen(proto::KeygenRequest::Reader, proto::KeyPair::Builder reply) {
  const cipher::KeyPair pair = cipher::generate_key_pair(ctx_);
  fill_key_pair(reply, pair, cipher::Address::from_public_key(pair.public_key).to_base58());
  return bus::Status();
}

bus::Status CryptoService::sign(proto::SignRequest::Reader request, proto::SignReply::Builder reply) {
  auto digest = read_digest(request.getDigest(), "digest");
  if (!digest.ok()) return digest.status();
  if (digest->is_null()) return bad_field("digest", "the all-zero digest is refused (Skycoin never signs it)");
  auto secret = read_secret(request.getSecret(), "secret");
  if (!secret.ok()) return secret.status();
  const cipher::Signature signature = cipher::sign(ctx_, digest.value(), secret.value());
  reply.setSignature(data_of(signature.view()));
  return bus::Status();
}

bus::Status CryptoService::verify(proto::VerifyRequest::Reader request, proto::VerifyReply::Builder reply) {
  auto input = copy_verify_input(request);
  if (!input.ok()) return input.status();
  const VerifyResult result = check_signature(ctx_, input.value());
  if (result.verdict == Verdict::malformed) return bus::Status(bus::ErrorCode::bad_request, result.reason);
  reply.setValid(result.verdict == Verdict::valid);
  if (!result.reason.empty()) reply.setReason(result.reason);
  return bus::Status();
}

bus::Status CryptoService::verify_batch(proto::VerifyBatchRequest::Reader request,
                                        proto::VerifyBatchReply::Builder reply) {
  auto items = request.getItems();
  if (items.size() > k_max_batch_items) {
    return bad_field(
        "items", "at most " + std::to_string(k_max_batch_items) + " per batch, got " + std::to_string(items.size()));
  }
  // Plain copies for the workers: the request's reader stays on this thread.
  std::vector<VerifyInput> inputs;
  inputs.reserve(items.size());
  for (unsigned i = 0; i < items.size(); ++i) {
    auto input = copy_verify_input(items[i]);
    if (!input.ok()) {
      return bus::Status(bus::ErrorCode::bad_request, "items[" + std::to_string(i) + "]." + input.status().message());
    }
    inputs.push_back(std::move(input).value());
  }
  const std::vector<VerifyResult> results = verify_all(pool_, ctx_, inputs);
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].verdict == Verdict::malformed) {
      return bus::Status(bus::ErrorCode::bad_request, "items[" + std::to_string(i) + "]." + results[i].reason);
    }
  }
  auto out = reply.initResults(items.size());
  for (unsigned i = 0; i < out.size(); ++i) {
    out[i].setValid(results[i].verdict == Verdict::valid);
    if (!results[i].reason.empty()) out[i].setReason(results[i].reason);
  }
  return bus::Status();
}

bus::Status CryptoService::recover(proto::RecoverRequest::Reader request, proto::RecoverReply::Builder reply) {
  auto digest = read_digest(request.getDigest(), "digest");
  if (!digest.ok()) return digest.status();
  auto signature = read_signature(request.getSignature(), "signature");
  if (!signature.ok()) return signature.status();
  auto key = cipher::recover_public_key(ctx_, signature.value(), digest.value());
  if (!key) return bad_field("signature", key.fault().to_string());
  reply.setPublic(data_of(key->view()));
  reply.setAddress(cipher::Address::from_public_key(key.value()).to_base58());
  return bus::Status();
}

bus::Status CryptoService::address(proto::AddressRequest::Reader request, proto::AddressReply::Builder reply) {
  if (bus::Status one = require_one_of_public_address(request.getPublic(), request.getAddress()); !one.ok()) {
    return one;
  }
  cipher::Address address;
  if (request.getPublic().size() > 0) {
    auto key = read_public(ctx_, request.getPublic(), "public");
    if (!key.ok()) return key.status();
    address = cipher::Address::from_public_key(key.value());
    reply.setBitcoinAddress(cipher::BitcoinAddress::from_public_key(key.value()).to_base58());
  } else {
    auto decoded = read_address(view(request.getAddress()), "address");
    if (!decoded.ok()) return decoded.status();
    address = decoded.value();
  }
  reply.setAddress(address.to_base58());
  reply.setKey20(data_of(address.key().view()));
  reply.setVersion(address.version());
  return bus::Status();
}

bus::Status CryptoService::hash(proto::HashRequest::Reader request, proto::HashReply::Builder reply) {
  const proto::HashKind kind = request.getKind();
  if (!known_hash_kind(kind)) {
    return bad_field("kind", "unknown hash kind " + std::to_string(static_cast<unsigned>(kind)) +
                                 " (sha256, doubleSha256, ripemd160)");
  }
  const cipher::ByteView data = view(request.getData());
  if (data.size() <= k_inline_hash_bytes) {
    reply.setDigest(data_of(hash_of(kind, data).view()));
    return bus::Status();
  }
  // Large input: hash a (wiped) copy on a worker rather than stall the bus thread.
  const cipher::SecretBytes copy(data);
  const cipher::SecretBytes digest = pool_.run([&copy, kind]() { return hash_of(kind, copy.view()); });
  reply.setDigest(data_of(digest.view()));
  return bus::Status();
}

bus::Status CryptoService::ecdh(proto::EcdhRequest::Reader request, proto::EcdhReply::Builder reply) {
  auto secret = read_secret(request.getSecret(), "secret");
  if (!secret.ok()) return secret.status();
  auto key = read_public(ctx_, request.getPublic(), "public");
  if (!key.ok()) return key.status();
  cipher::Sha256 shared = cipher::ecdh(ctx_, key.value(), secret.value());
  reply.setShared(data_of(shared.view()));
  sodium_memzero(shared.data(), shared.size());
  return bus::Status();
}

}  // namespace skymesh::crypto
