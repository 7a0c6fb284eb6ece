// skymesh-crypto: Skycoin's cipher over the bus (docs/crypto.md, "The crypto serverlet").
//   skymesh-crypto --listen tcp://127.0.0.1:7001 [--workers N]
#include <charconv>
#include <memory>
#include <string>

#include "crypto_service.hpp"
#include "skymesh/bus/serverlet.hpp"
#include "skymesh/bus/worker_pool.hpp"
#include "skymesh/cipher/secp256k1.hpp"

namespace {

// --workers: 0 (the default) means one per core.
skymesh::bus::Result<size_t> worker_count(const skymesh::bus::ServerletOptions& options) {
  auto flag = options.values.find("workers");
  if (flag == options.values.end()) return size_t{0};
  const std::string& text = flag->second;
  size_t count = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || count > 1024) {
    return skymesh::bus::Status(skymesh::bus::ErrorCode::bad_request, "--workers takes 0..1024, got " + text);
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace skymesh;
  const bus::ServerletSpec spec{
      "crypto",
      "Skycoin's cipher over the bus: keys, signatures, addresses, hashes",
      {{"workers", "threads for signature batches, derivation and large hashes (default 0: one per core)"}}};
  // Built here, used by the service's handlers; all three outlive the node run_serverlet makes.
  const cipher::Secp256k1 ctx;
  std::unique_ptr<bus::WorkerPool> pool;
  std::unique_ptr<crypto::CryptoService> service;
  return bus::run_serverlet(argc, argv, spec,
                            [&ctx, &pool, &service](bus::Node& node, const bus::ServerletOptions& options) {
                              auto workers = worker_count(options);
                              if (!workers.ok()) return workers.status();
                              pool = std::make_unique<bus::WorkerPool>(workers.value());
                              service = std::make_unique<crypto::CryptoService>(node, *pool, ctx);
                              return service->attach();
                            });
}
