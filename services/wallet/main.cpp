// skymesh-wallet: Skycoin wallets over the bus (docs/wallet.md, "The wallet serverlet").
//   skymesh-wallet --data DIR [--chain ENDPOINT|registry+tcp://ADMIN/chain] [--chain-key Z85|FILE] [--workers N]
//   [--listen tcp://127.0.0.1:7003]
#include <charconv>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "skymesh/bus/client.hpp"
#include "skymesh/bus/security.hpp"
#include "skymesh/bus/serverlet.hpp"
#include "skymesh/bus/worker_pool.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "wallet_service.hpp"
#include "wallet_store.hpp"

namespace {

std::string flag(const skymesh::bus::ServerletOptions& options, const std::string& name) {
  auto found = options.values.find(name);
  return found == options.values.end() ? std::string() : found->second;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace skymesh;
  const bus::ServerletSpec spec{"wallet",
                                "Skycoin wallets: files, addresses, encryption, and payments through the chain",
                                {{"chain",
                                  "the chain serverlet's endpoint (balance, outputs, send, history), or "
                                  "registry+tcp://ADMIN:PORT/chain"},
                                 {"chain-key",
                                  "the chain serverlet's CurveZMQ public key (Z85, or a key file); the "
                                  "registry's with a registry+tcp:// endpoint"},
                                 {"workers", "threads for scrypt and signing (default 1; each scrypt takes 1 GiB)"}}};
  // The secp256k1 context and the worker pool outlive the node run_serverlet makes.
  const cipher::Secp256k1 ctx;
  std::unique_ptr<bus::WorkerPool> workers;
  // The node holds the store and the service (Node::hold): they die before it does.
  return bus::run_serverlet(argc, argv, spec, [&ctx, &workers](bus::Node& node, const bus::ServerletOptions& options) {
    std::shared_ptr<wallet_service::WalletStore> store;
    if (options.data_dir.empty()) return bus::Status(bus::ErrorCode::bad_request, "--data DIR is required");
    size_t threads = 1;
    if (const std::string text = flag(options, "workers"); !text.empty()) {
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), threads);
      if (error != std::errc() || end != text.data() + text.size() || threads == 0 || threads > 64) {
        return bus::Status(bus::ErrorCode::bad_request, "--workers takes 1..64, got " + text);
      }
    }
    workers = std::make_unique<bus::WorkerPool>(threads);
    try {
      store = std::make_shared<wallet_service::WalletStore>(ctx, std::filesystem::path(options.data_dir));
      node.hold(store);
    } catch (const std::filesystem::filesystem_error& e) {
      return bus::Status(bus::ErrorCode::storage, e.what());
    }
    std::optional<bus::Client> chain;
    if (const std::string endpoint = flag(options, "chain"); !endpoint.empty()) {
      // --chain-key: the Z85 key itself, or a key file holding it.
      std::string key = flag(options, "chain-key");
      if (!key.empty() && !bus::valid_z85_key(key)) {
        auto file = bus::load_key_file(key);
        if (!file.ok()) return file.status();
        key = file->public_key;
      }
      auto client = bus::Client::connect(node, endpoint, bus::ClientOptions{key, false});
      if (!client.ok()) return client.status();
      chain = std::move(client).value();
    }
    auto service = std::make_shared<wallet_service::WalletService>(node, ctx, *store, *workers, std::move(chain));
    node.hold(service);
    return service->attach();
  });
}
