// The crypto serverlet as its users see it: (a) a client Node calling the service over real tcp sockets in one
// process, (b) the skymesh-crypto executable driven by meshctl. Answers are checked against Skycoin's vectors
// (when present) and against skymesh_cipher itself.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../bus/test_options.hpp"
#include "child_process.hpp"
#include "crypto_facts.hpp"
#include "crypto_service.hpp"
#include "fields.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/cipher/cipher.hpp"
#include "skymesh/proto/sys.capnp.h"
#include "vectors.hpp"

using namespace skymesh;
using namespace skymesh::proto;
using crypto::view;
using test::quick_options;
using namespace skymesh::test::crypto_facts;

namespace {

// One reactor; the crypto service on a server node listening on tcp loopback; a client node calling it.
struct CryptoBus {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node server{reactor, quick_options("crypto")};
  bus::Node client_node{reactor, quick_options("client")};
  cipher::Secp256k1 ctx;
  bus::WorkerPool pool{2};
  crypto::CryptoService service{server, pool, ctx};

  CryptoBus() {
    REQUIRE(service.attach().ok());
    REQUIRE(server.listen("tcp://127.0.0.1:0").ok());
  }
  bus::Client client() {
    auto connected = bus::Client::connect(client_node, server.endpoints().front());
    REQUIRE(connected.ok());
    return connected.value();
  }
  void run(std::function<void()> body) { reactor.run_until_done(std::move(body)); }
};

capnp::Data::Reader data_of(cipher::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}
std::string hex(capnp::Data::Reader data) {
  return cipher::to_hex(view(data));
}

bus::Result<bus::Reply<DeriveReply>> derive(bus::Client& client, cipher::ByteView seed, uint32_t count) {
  return client.call<DeriveRequest, DeriveReply>("crypto.derive", [seed, count](DeriveRequest::Builder request) {
    request.setSeed(data_of(seed));
    request.setCount(count);
  });
}

// Fills one verify request (also a batch item): by public key, or by the key's address.
void fill_verify(VerifyRequest::Builder request, const cipher::Sha256& digest, const cipher::Signature& signature,
                 const cipher::PublicKey& key, bool by_address) {
  request.setDigest(data_of(digest.view()));
  request.setSignature(data_of(signature.view()));
  if (by_address) {
    request.setAddress(cipher::Address::from_public_key(key).to_base58());
  } else {
    request.setPublic(data_of(key.view()));
  }
}

bus::Result<bus::Reply<VerifyReply>> verify(bus::Client& client, const cipher::Sha256& digest,
                                            const cipher::Signature& signature, const cipher::PublicKey& key,
                                            bool by_address) {
  return client.call<VerifyRequest, VerifyReply>("crypto.verify", [&](VerifyRequest::Builder request) {
    fill_verify(request, digest, signature, key, by_address);
  });
}

bool hash_works(bus::Client& client) {
  auto reply = client.call<HashRequest, HashReply>(
      "crypto.hash", [](HashRequest::Builder request) { request.setData(data_of(cipher::as_bytes("abc"))); });
  return reply.ok() && hex(reply->get().getDigest()) == cipher::sha256(cipher::as_bytes("abc")).hex();
}

// How many calls of `method` the server's handler has run (sys.stats), as any client can ask.
uint64_t served_calls(bus::Client& client, const std::string& method) {
  auto stats = client.call<Empty, StatsReply>("sys.stats", [](Empty::Builder) {});
  REQUIRE(stats.ok());
  for (auto entry : stats->get().getMethods()) {
    if (entry.getName() == method) return entry.getCalls();
  }
  return 0;
}

// Calls `method` with `fill`, expects bad_request whose message starts with `field`, then a good call.
template <typename Req, typename Rep>
void expect_bad_request(bus::Client& client, const std::string& method, const std::string& field,
                        const std::function<void(typename Req::Builder)>& fill) {
  INFO(method << ", expecting an error about " << field);
  auto reply = client.call<Req, Rep>(method, fill);
  REQUIRE_FALSE(reply.ok());
  CHECK(reply.status().code() == bus::ErrorCode::bad_request);
  CHECK(reply.status().message().rfind(field + ": ", 0) == 0);
  CHECK(hash_works(client));
}

}  // namespace

TEST_CASE("derive through the bus gives Skycoin's deterministic keys") {
  CryptoBus bus;
  bus.run([&]() {
    auto client = bus.client();
    auto first = derive(client, cipher::as_bytes(k_seed_text), 2);
    REQUIRE(first.ok());
    auto keys = first->get().getKeys();
    REQUIRE(keys.size() == 2);
    CHECK(hex(keys[0].getSecret()) == k_secret0);
    CHECK(hex(keys[0].getPublic()) == k_public0);
    CHECK(std::string(keys[0].getAddress()) == k_address0);

    // The returned seed continues the sequence: one key from it is the second key above.
    auto next = derive(client, cipher::as_bytes(k_seed_text), 1);
    REQUIRE(next.ok());
    auto continued = derive(client, view(next->get().getNextSeed()), 1);
    REQUIRE(continued.ok());
    CHECK(hex(continued->get().getKeys()[0].getSecret()) == hex(keys[1].getSecret()));
    CHECK(hex(continued->get().getNextSeed()) == hex(first->get().getNextSeed()));
  });
}

TEST_CASE("derive through the bus matches every key of Skycoin's seed-0000 file") {
  SKYMESH_REQUIRE_VECTORS(dir);
  const test::Json doc = test::load_json(dir / "seed-0000.golden");
  const cipher::Bytes seed = test::base64_decode(doc["seed"].as_string());
  const auto& expected = doc["keys"].as_array();
  CryptoBus bus;
  bus.run([&]() {
    auto client = bus.client();
    auto reply = derive(client, seed, static_cast<uint32_t>(expected.size()));
    REQUIRE(reply.ok());
    auto keys = reply->get().getKeys();
    REQUIRE(keys.size() == expected.size());
    for (unsigned i = 0; i < keys.size(); ++i) {
      INFO("key " << i);
      CHECK(hex(keys[i].getSecret()) == expected[i]["secret"].as_string());
      CHECK(hex(keys[i].getPublic()) == expected[i]["public"].as_string());
      CHECK(std::string(keys[i].getAddress()) == expected[i]["address"].as_string());
    }
  });
}

TEST_CASE("a digest signed through the bus verifies by public key and by address, and a flipped bit does not") {
  CryptoBus bus;
  bus.run([&]() {
    auto client = bus.client();
    const cipher::SecretKey secret = cipher::SecretKey::from_hex(k_secret0);
    const cipher::PublicKey key = cipher::PublicKey::from_hex(bus.ctx, k_public0);
    const cipher::Sha256 digest = test_digest(1);
    auto signed_reply = client.call<SignRequest, SignReply>("crypto.sign", [&](SignRequest::Builder request) {
      request.setDigest(data_of(digest.view()));
      request.setSecret(data_of(secret.view()));
    });
    REQUIRE(signed_reply.ok());
    const cipher::Signature signature = cipher::Signature::from_bytes(view(signed_reply->get().getSignature()));
    CHECK(signature == cipher::sign(bus.ctx, digest, secret));  // RFC6979: the library's own signature

    for (bool by_address : {false, true}) {
      INFO("by address: " << by_address);
      auto good = verify(client, digest, signature, key, by_address);
      REQUIRE(good.ok());
      CHECK(good->get().getValid());
      CHECK(good->get().getReason().size() == 0);

      cipher::Signature flipped = signature;
      flipped.data()[5] ^= 0x01;
      auto bad = verify(client, digest, flipped, key, by_address);
      REQUIRE(bad.ok());
      CHECK_FALSE(bad->get().getValid());
      const std::string mismatch = by_address ? "address_mismatch: " : "public_key_mismatch: ";
      CHECK(std::string(bad->get().getReason()).rfind(mismatch, 0) == 0);

      cipher::Signature high_s = signature;
      high_s.data()[32] |= 0x80;
      auto malleable = verify(client, digest, high_s, key, by_address);
      REQUIRE(malleable.ok());
      CHECK_FALSE(malleable->get().getValid());
      CHECK(std::string(malleable->get().getReason()).rfind("high_s: ", 0) == 0);
    }

    auto recovered = client.call<RecoverRequest, RecoverReply>("crypto.recover", [&](RecoverRequest::Builder request) {
      request.setDigest(data_of(digest.view()));
      request.setSignature(data_of(signature.view()));
    });
    REQUIRE(recovered.ok());
    CHECK(hex(recovered->get().getPublic()) == k_public0);
    CHECK(std::string(recovered->get().getAddress()) == k_address0);
  });
}

TEST_CASE("verifyBatch answers each of 200 items in order, the invalid ones false") {
  CryptoBus bus;
  std::vector<cipher::PublicKey> keys;
  std::vector<cipher::Signature> signatures;
  for (int k = 0; k < 20; ++k) keys.push_back(cipher::public_key_from_secret(bus.ctx, test_secret(k)));
  for (int i = 0; i < 200; ++i) signatures.push_back(cipher::sign(bus.ctx, test_digest(i), test_secret(i % 20)));
  // Items 10n+3 carry a flipped signature bit, 10n+7 another digest, 10n+9 another key; even items go by address.
  auto valid_expected = [](int i) { return i % 10 != 3 && i % 10 != 7 && i % 10 != 9; };
  bus.run([&]() {
    auto client = bus.client();
    auto reply = client.call<VerifyBatchRequest, VerifyBatchReply>(
        "crypto.verifyBatch", [&](VerifyBatchRequest::Builder request) {
          auto items = request.initItems(200);
          for (int i = 0; i < 200; ++i) {
            cipher::Signature signature = signatures[i];
            if (i % 10 == 3) signature.data()[i % 64] ^= 0x10;
            const cipher::Sha256 digest = test_digest(i % 10 == 7 ? i + 1 : i);
            const cipher::PublicKey& key = keys[(i % 10 == 9 ? i + 1 : i) % 20];
            fill_verify(items[i], digest, signature, key, i % 2 == 0);
          }
        });
    REQUIRE(reply.ok());
    auto results = reply->get().getResults();
    REQUIRE(results.size() == 200);
    int valid = 0;
    for (int i = 0; i < 200; ++i) {
      INFO("item " << i);
      CHECK(results[i].getValid() == valid_expected(i));
      CHECK((results[i].getReason().size() == 0) == valid_expected(i));
      valid += results[i].getValid() ? 1 : 0;
    }
    CHECK(valid == 140);

    auto empty = client.call<VerifyBatchRequest, VerifyBatchReply>(
        "crypto.verifyBatch", [](VerifyBatchRequest::Builder request) { request.initItems(0); });
    REQUIRE(empty.ok());
    CHECK(empty->get().getResults().size() == 0);
  });
}

TEST_CASE("a large verifyBatch runs on the workers while the bus thread keeps answering") {
  CryptoBus bus;
  const cipher::SecretKey secret = test_secret(0);
  const cipher::PublicKey key = cipher::public_key_from_secret(bus.ctx, secret);
  const cipher::Sha256 digest = test_digest(0);
  const cipher::Signature signature = cipher::sign(bus.ctx, digest, secret);
  bus.run([&]() {
    auto client = bus.client();
    // 10000 checks take a quarter of a second or more on two workers; a ping takes well under a millisecond.
    auto fill = [&](VerifyBatchRequest::Builder request) {
      auto items = request.initItems(crypto::k_max_batch_items);
      for (unsigned i = 0; i < items.size(); ++i) fill_verify(items[i], digest, signature, key, false);
    };
    bus::RawFuture batch = client.async_call<VerifyBatchRequest>("crypto.verifyBatch", fill);
    auto ping = client.call<Empty, PingReply>("sys.ping", [](Empty::Builder) {});
    REQUIRE(ping.ok());
    CHECK(batch.wait_for(std::chrono::seconds(0)) != boost::fibers::future_status::ready);
    auto done = batch.get();
    REQUIRE(done.ok());
    REQUIRE_FALSE(done.value()->is_error());
    auto results = done.value()->payload<VerifyBatchReply>().getResults();
    REQUIRE(results.size() == crypto::k_max_batch_items);
    for (auto result : results) CHECK(result.getValid());
  });
}

TEST_CASE("every kind of malformed input gets bad_request naming the field, and the next call still works") {
  CryptoBus bus;
  using cipher::ByteView;
  const cipher::Bytes secret = cipher::from_hex(k_secret0);
  const cipher::Bytes order = cipher::from_hex(k_curve_order);
  const cipher::Bytes key = cipher::from_hex(k_public0);
  const cipher::Bytes off_curve = cipher::from_hex("02" + std::string(64, 'f'));  // x >= p
  const cipher::Bytes short_bytes(31, 0x01);
  const cipher::Sha256 digest = test_digest(0);
  const cipher::Signature signature = cipher::sign(bus.ctx, digest, cipher::SecretKey::from_bytes(secret));
  const cipher::PublicKey public_key = cipher::PublicKey::from_bytes(bus.ctx, key);
  bus.run([&]() {
    auto client = bus.client();
    auto derive_with = [&client](const std::string& field, ByteView seed, uint32_t count) {
      expect_bad_request<DeriveRequest, DeriveReply>(client, "crypto.derive", field, [&](DeriveRequest::Builder r) {
        r.setSeed(data_of(seed));
        r.setCount(count);
      });
    };
    derive_with("count", cipher::as_bytes("s"), 0);
    derive_with("count", cipher::as_bytes("s"), crypto::k_max_derive_count + 1);
    derive_with("seed", {}, 1);

    auto sign_with = [&client](const std::string& field, ByteView digest_bytes, ByteView secret_bytes) {
      expect_bad_request<SignRequest, SignReply>(client, "crypto.sign", field, [&](SignRequest::Builder r) {
        r.setDigest(data_of(digest_bytes));
        r.setSecret(data_of(secret_bytes));
      });
    };
    sign_with("digest", short_bytes, secret);
    sign_with("digest", cipher::Sha256().view(), secret);
    sign_with("secret", digest.view(), short_bytes);
    sign_with("secret", digest.view(), order);
    sign_with("secret", digest.view(), {});

    // Each fault once in crypto.verify, once as item 2 of a batch whose other items are fine.
    auto verify_with = [&](const std::string& field, ByteView digest_bytes, ByteView signature_bytes,
                           ByteView public_bytes, const std::string& address) {
      auto fill = [&](VerifyRequest::Builder r) {
        r.setDigest(data_of(digest_bytes));
        r.setSignature(data_of(signature_bytes));
        r.setPublic(data_of(public_bytes));
        r.setAddress(address);
      };
      expect_bad_request<VerifyRequest, VerifyReply>(client, "crypto.verify", field, fill);
      expect_bad_request<VerifyBatchRequest, VerifyBatchReply>(
          client, "crypto.verifyBatch", "items[2]." + field, [&](VerifyBatchRequest::Builder r) {
            auto items = r.initItems(4);
            for (unsigned i : {0u, 1u, 3u}) fill_verify(items[i], digest, signature, public_key, i == 1);
            fill(items[2]);
          });
    };
    verify_with("digest", short_bytes, signature.view(), key, "");
    verify_with("signature", digest.view(), short_bytes, key, "");
    verify_with("public", digest.view(), signature.view(), short_bytes, "");
    verify_with("public", digest.view(), signature.view(), off_curve, "");
    verify_with("public, address", digest.view(), signature.view(), {}, "");
    verify_with("public, address", digest.view(), signature.view(), key, k_address0);
    verify_with("address", digest.view(), signature.view(), {}, "cfb24jWcms9pZtvEx3UjUuLPdT6rbx6r90");  // '0'
    verify_with("address", digest.view(), signature.view(), {}, "cfb24jWcms9pZtvEx3UjUuLPdT6rbx6r9N");  // checksum

    expect_bad_request<VerifyBatchRequest, VerifyBatchReply>(
        client, "crypto.verifyBatch", "items", [](auto r) { r.initItems(crypto::k_max_batch_items + 1); });
    expect_bad_request<RecoverRequest, RecoverReply>(client, "crypto.recover", "signature", [&](auto r) {
      r.setDigest(data_of(digest.view()));
      r.setSignature(data_of(cipher::Signature().view()));  // r = s = 0: no key can be recovered
    });
    expect_bad_request<AddressRequest, AddressReply>(client, "crypto.address", "public, address", [](auto) {});
    expect_bad_request<AddressRequest, AddressReply>(client, "crypto.address", "public",
                                                     [&](auto r) { r.setPublic(data_of(off_curve)); });
    expect_bad_request<HashRequest, HashReply>(client, "crypto.hash", "kind",
                                               [](auto r) { r.setKind(static_cast<HashKind>(7)); });
    expect_bad_request<EcdhRequest, EcdhReply>(client, "crypto.ecdh", "public", [&](auto r) {
      r.setSecret(data_of(secret));
      r.setPublic(data_of(off_curve));
    });
    expect_bad_request<EcdhRequest, EcdhReply>(client, "crypto.ecdh", "secret",
                                               [&](auto r) { r.setPublic(data_of(key)); });
  });
}

TEST_CASE("a second identical derive is answered from the client's cache, a different one is not") {
  CryptoBus bus;
  bus.run([&]() {
    auto client = bus.client();
    auto first = derive(client, cipher::as_bytes(k_seed_text), 3);
    auto second = derive(client, cipher::as_bytes(k_seed_text), 3);
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(hex(second->get().getNextSeed()) == hex(first->get().getNextSeed()));
    CHECK(served_calls(client, "crypto.derive") == 1);
    REQUIRE(derive(client, cipher::as_bytes(k_seed_text), 4).ok());
    CHECK(served_calls(client, "crypto.derive") == 2);
  });
}

TEST_CASE("keygen gives a new valid key pair on every call and is never cached") {
  CryptoBus bus;
  bus.run([&]() {
    auto client = bus.client();
    std::vector<std::string> secrets;
    for (int i = 0; i < 3; ++i) {
      auto reply = client.call<KeygenRequest, KeyPair>("crypto.keygen", [](KeygenRequest::Builder) {});
      REQUIRE(reply.ok());
      auto secret = cipher::SecretKey::try_from_bytes(view(reply->get().getSecret()));
      REQUIRE(secret.ok());
      const cipher::PublicKey key = cipher::public_key_from_secret(bus.ctx, secret.value());
      CHECK(hex(reply->get().getPublic()) == key.hex());
      CHECK(std::string(reply->get().getAddress()) == cipher::Address::from_public_key(key).to_base58());
      for (const auto& earlier : secrets) CHECK(earlier != secret->hex());
      secrets.push_back(secret->hex());
    }
    CHECK(served_calls(client, "crypto.keygen") == 3);
  });
}

TEST_CASE("address, hash and ecdh answer as the cipher library does") {
  CryptoBus bus;
  bus.run([&]() {
    auto client = bus.client();
    const cipher::Bytes key = cipher::from_hex(k_public0);
    auto from_key =
        client.call<AddressRequest, AddressReply>("crypto.address", [&](auto r) { r.setPublic(data_of(key)); });
    REQUIRE(from_key.ok());
    CHECK(std::string(from_key->get().getAddress()) == k_address0);
    CHECK(std::string(from_key->get().getBitcoinAddress()) == k_bitcoin0);
    auto decoded =
        client.call<AddressRequest, AddressReply>("crypto.address", [](auto r) { r.setAddress(k_address0); });
    REQUIRE(decoded.ok());
    CHECK(hex(decoded->get().getKey20()) == hex(from_key->get().getKey20()));
    CHECK(hex(decoded->get().getKey20()) ==
          cipher::public_key_ripemd160(cipher::PublicKey::from_bytes(bus.ctx, key)).hex());
    CHECK(decoded->get().getVersion() == 0);

    // Sizes on both sides of the inline limit (the larger one is hashed on a worker).
    for (size_t size : {size_t{3}, crypto::k_inline_hash_bytes + 1}) {
      const cipher::Bytes data(size, 0x61);
      for (auto [kind, expected] : {std::pair{HashKind::SHA256, cipher::sha256(data).hex()},
                                    std::pair{HashKind::DOUBLE_SHA256, cipher::double_sha256(data).hex()},
                                    std::pair{HashKind::RIPEMD160, cipher::ripemd160(data).hex()}}) {
        auto reply = client.call<HashRequest, HashReply>("crypto.hash", [&data, kind = kind](HashRequest::Builder r) {
          r.setData(data_of(data));
          r.setKind(kind);
        });
        REQUIRE(reply.ok());
        CHECK(hex(reply->get().getDigest()) == expected);
      }
    }

    const cipher::SecretKey a = test_secret(1), b = test_secret(2);
    auto shared = [&](const cipher::SecretKey& secret, const cipher::SecretKey& other) {
      auto reply = client.call<EcdhRequest, EcdhReply>("crypto.ecdh", [&](EcdhRequest::Builder r) {
        r.setSecret(data_of(secret.view()));
        r.setPublic(data_of(cipher::public_key_from_secret(bus.ctx, other).view()));
      });
      REQUIRE(reply.ok());
      return hex(reply->get().getShared());
    };
    CHECK(shared(a, b) == shared(b, a));
    CHECK(shared(a, b) == cipher::ecdh(bus.ctx, cipher::public_key_from_secret(bus.ctx, b), a).hex());
  });
}
