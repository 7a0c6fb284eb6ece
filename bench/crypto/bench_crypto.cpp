// bench_crypto: signing and verification per second on one core, raw libsecp256k1 against skymesh_cipher,
// Skycoin deterministic key derivation per second, and batch verification through the crypto serverlet.
//   bench_crypto [--seconds S]   (S per measurement, default 2)
// Each measurement is split into rounds interleaved with the others and the best round is kept, so a neighbour
// that steals the core for a moment skews raw and lib alike instead of one of them.
// raw_* call secp256k1_ecdsa_sign_recoverable / secp256k1_ecdsa_recover directly (sign + compact serialise;
// parse + recover + serialise + compare), the minimum the library's sign() and verify() must also do.
// bus_verify_per_s is crypto.verifyBatch through the serverlet over tcp loopback: the server Node on a thread of
// its own (own Reactor, a WorkerPool with a thread per core), the client Node on another, keeping
// k_batches_in_flight calls of k_keys items in flight with async_call; its rounds are interleaved with the others.
// Compare it with raw_verify_per_s (one core): the serverlet should scale with the cores less its bus overhead.
// sha256_ns / sodium_sha256_ns: one SHA-256 of a 300-byte input (about a 2-input transaction) through
// skymesh_cipher's sha256 (OpenSSL's libcrypto) and libsodium's crypto_hash_sha256 (what it used before).
// Last line: one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include <sodium.h>

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "crypto_service.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/bus/worker_pool.hpp"
#include "skymesh/cipher/cipher.hpp"
#include "skymesh/proto/crypto.capnp.h"

namespace {

using namespace skymesh::cipher;
namespace bus = skymesh::bus;
using Clock = std::chrono::steady_clock;

constexpr std::size_t k_keys = 256;  // also the items of one verifyBatch call
constexpr std::size_t k_batches_in_flight = 4;

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

// A Reactor and a Node on a thread of their own, as a separate process would run them. `setup` runs on that
// thread before the loop (a Node's sockets belong to its thread); call() runs a function as a fiber there and
// blocks the calling thread until it returns. Stops and joins when destroyed.
class NodeThread {
 public:
  NodeThread(zmq::context_t& context, const std::string& name, std::function<void(bus::Node&)> setup) {
    std::promise<void> ready;
    std::future<void> started = ready.get_future();
    thread_ = std::thread([this, &context, &name, &setup, &ready]() {
      bus::Reactor reactor(context);
      bus::NodeOptions options;
      options.name = name;
      options.log_level = bus::LogLevel::warn;
      options.default_timeout = std::chrono::seconds(60);
      bus::Node node(reactor, options);
      try {
        setup(node);
      } catch (...) {
        ready.set_exception(std::current_exception());
        return;
      }
      reactor_ = &reactor;  // published to the constructing thread by set_value
      ready.set_value();
      reactor.run();
    });
    try {
      started.get();
    } catch (...) {
      thread_.join();
      throw;
    }
  }
  ~NodeThread() {
    reactor_->stop();
    thread_.join();
  }
  NodeThread(const NodeThread&) = delete;
  NodeThread& operator=(const NodeThread&) = delete;

  template <typename F>
  auto call(F fn) -> std::invoke_result_t<F> {
    std::promise<std::invoke_result_t<F>> result;
    auto future = result.get_future();
    reactor_->post([&fn, &result]() {
      try {
        if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
          fn();
          result.set_value();
        } else {
          result.set_value(fn());
        }
      } catch (...) {
        result.set_exception(std::current_exception());
      }
    });
    return future.get();
  }

 private:
  std::thread thread_;
  bus::Reactor* reactor_ = nullptr;
};

// crypto.verifyBatch through the serverlet: the server on one NodeThread (a WorkerPool with a thread per core),
// the client on another, so rounds can be interleaved with the single-core measurements of the main thread.
class BusVerifyBench {
 public:
  BusVerifyBench(zmq::context_t& context, const Secp256k1& ctx, const Fixture& f)
      : fixture_(f),
        server_(context, "crypto",
                [this, &ctx](bus::Node& node) {
                  pool_ = std::make_unique<bus::WorkerPool>();
                  service_ = std::make_unique<skymesh::crypto::CryptoService>(node, *pool_, ctx);
                  if (!service_->attach().ok() || !node.listen("tcp://127.0.0.1:0").ok()) {
                    throw std::runtime_error("the crypto serverlet did not start");
                  }
                  endpoint_ = node.endpoints().front();
                }),
        client_thread_(context, "bench", [this](bus::Node& node) { client_node_ = &node; }) {
    client_thread_.call([this]() {
      bus::ClientOptions options;
      options.cache = false;  // every batch is the same request: it must reach the server each time
      client_.emplace(bus::Client::connect(*client_node_, endpoint_, options).value());
      for (int warm = 0; warm < 2; ++warm) {
        bus::RawFuture first = send();
        receive(first);
      }
    });
  }
  ~BusVerifyBench() {
    client_thread_.call([this]() { client_.reset(); });
  }
  BusVerifyBench(const BusVerifyBench&) = delete;
  BusVerifyBench& operator=(const BusVerifyBench&) = delete;

  // Items verified per second over about `seconds`, k_batches_in_flight calls of k_keys items at a time.
  double round(double seconds) {
    return client_thread_.call([this, seconds]() {
      const auto start = Clock::now();
      const auto budget = std::chrono::duration<double>(seconds);
      std::deque<bus::RawFuture> in_flight;
      uint64_t items = 0;
      while (in_flight.size() < k_batches_in_flight) in_flight.push_back(send());
      while (!in_flight.empty()) {
        receive(in_flight.front());
        in_flight.pop_front();
        items += k_keys;
        if (Clock::now() - start < budget) in_flight.push_back(send());
      }
      return static_cast<double>(items) / std::chrono::duration<double>(Clock::now() - start).count();
    });
  }
  std::size_t workers() const { return pool_->size(); }
  // Results that were not valid, or failed calls (every item is a valid signature).
  uint64_t wrong() const { return wrong_; }

 private:
  bus::RawFuture send() {
    return client_->async_call<skymesh::proto::VerifyBatchRequest>(
        "crypto.verifyBatch", [this](skymesh::proto::VerifyBatchRequest::Builder request) {
          auto items = request.initItems(k_keys);
          for (std::size_t k = 0; k < k_keys; ++k) {
            const Fixture& f = fixture_;
            items[k].setDigest(capnp::Data::Reader(f.digests[k].data(), f.digests[k].size()));
            items[k].setSignature(capnp::Data::Reader(f.signatures[k].data(), f.signatures[k].size()));
            items[k].setPublic(capnp::Data::Reader(f.publics[k].data(), f.publics[k].size()));
          }
        });
  }
  void receive(bus::RawFuture& future) {
    bus::Result<bus::MessagePtr> reply = future.get();
    if (!reply.ok() || reply.value()->is_error()) {
      wrong_ += k_keys;
      return;
    }
    for (auto result : reply.value()->payload<skymesh::proto::VerifyBatchReply>().getResults()) {
      if (!result.getValid()) ++wrong_;
    }
  }

  const Fixture& fixture_;
  // Made on the server thread by its setup; they outlive it (destroyed after server_ is joined).
  std::unique_ptr<bus::WorkerPool> pool_;
  std::unique_ptr<skymesh::crypto::CryptoService> service_;
  std::string endpoint_;
  NodeThread server_;
  // Used on the client thread only.
  bus::Node* client_node_ = nullptr;
  std::optional<bus::Client> client_;
  uint64_t wrong_ = 0;
  NodeThread client_thread_;
};

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

  std::vector<uint8_t> hashed(300, 0x5a);
  auto sha256_op = [&](uint64_t i) {
    hashed[0] = static_cast<uint8_t>(i);
    sink = sink ^ sha256(hashed).data()[0];
  };
  auto sodium_sha256_op = [&](uint64_t i) {
    hashed[0] = static_cast<uint8_t>(i);
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, hashed.data(), hashed.size());
    sink = sink ^ digest[0];
  };

  zmq::context_t context;
  BusVerifyBench bus_bench(context, ctx, f);

  constexpr int k_rounds = 4;
  const double slice = seconds / k_rounds;
  double raw_sign = 0, lib_sign = 0, raw_verify = 0, lib_verify = 0, derive = 0, bus_verify = 0;
  double sha256_rate = 0, sodium_sha256_rate = 0;
  for (int round = 0; round < k_rounds; ++round) {
    raw_sign = std::max(raw_sign, per_second(slice, raw_sign_op));
    lib_sign = std::max(lib_sign, per_second(slice, lib_sign_op));
    raw_verify = std::max(raw_verify, per_second(slice, raw_verify_op));
    lib_verify = std::max(lib_verify, per_second(slice, lib_verify_op));
    derive = std::max(derive, per_second(slice, derive_op));
    bus_verify = std::max(bus_verify, bus_bench.round(slice));
    sha256_rate = std::max(sha256_rate, per_second(slice / 4, sha256_op));
    sodium_sha256_rate = std::max(sodium_sha256_rate, per_second(slice / 4, sodium_sha256_op));
  }
  const double sha256_ns = 1e9 / sha256_rate, sodium_sha256_ns = 1e9 / sodium_sha256_rate;

  std::printf("raw_sign_per_s:   %.0f\n", raw_sign);
  std::printf("lib_sign_per_s:   %.0f  (%.1f%% of raw)\n", lib_sign, 100.0 * lib_sign / raw_sign);
  std::printf("raw_verify_per_s: %.0f\n", raw_verify);
  std::printf("lib_verify_per_s: %.0f  (%.1f%% of raw)\n", lib_verify, 100.0 * lib_verify / raw_verify);
  std::printf("derive_per_s:     %.0f  (Skycoin DeterministicKeyPairIterator: 2 base-point mults + 1 ECDH)\n", derive);
  std::printf(
      "bus_verify_per_s: %.0f  (%.2fx raw single-core; verifyBatch of %zu over tcp loopback, %zu in flight, "
      "%zu workers)\n",
      bus_verify, bus_verify / raw_verify, k_keys, k_batches_in_flight, bus_bench.workers());
  std::printf("sha256_ns:        %.0f  (libsodium %.0f: %.1fx; 300 bytes)\n", sha256_ns, sodium_sha256_ns,
              sodium_sha256_ns / sha256_ns);
  if (bus_bench.wrong() != 0) {
    std::fprintf(stderr, "bench_crypto: %llu verifyBatch results were wrong or failed\n",
                 static_cast<unsigned long long>(bus_bench.wrong()));
  }
  std::printf(
      "{\"bench\":\"crypto\",\"seconds_per_measure\":%.2f,\"raw_sign_per_s\":%.0f,\"lib_sign_per_s\":%.0f,"
      "\"raw_verify_per_s\":%.0f,\"lib_verify_per_s\":%.0f,\"derive_per_s\":%.0f,"
      "\"bus_verify_per_s\":%.0f,\"bus_workers\":%zu,\"sha256_ns\":%.0f,\"sodium_sha256_ns\":%.0f}\n",
      seconds, raw_sign, lib_sign, raw_verify, lib_verify, derive, bus_verify, bus_bench.workers(), sha256_ns,
      sodium_sha256_ns);
  return bus_bench.wrong() == 0 ? 0 : 1;
}
