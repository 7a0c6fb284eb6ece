// The wallet serverlet: Skycoin wallet files (common/wallet) over the bus. Methods wallet.create, list,
// addresses, encrypt, decrypt, seed (wallet_service.cpp) and, through the chain serverlet, wallet.balance,
// outputs, send, history (wallet_spend.cpp); proto/wallet.capnp. Every method is PER_REQUEST: passwords and seeds
// must never sit in a client's cache, and nothing here logs them.
//
// Threading: handlers run in fibers on the node's reactor thread; calls to the chain block only their fiber.
// Scrypt (encrypt, decrypt, seed, deriving or signing with a password; about a second and 1 GiB with Skycoin's
// default N = 2^20) and signing run on a WorkerPool, so other calls are served meanwhile. Calls that rewrite a
// wallet file (or send from it) hold that wallet's fiber mutex from load to save: they take turns per wallet.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/fiber/mutex.hpp>

#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/bus/worker_pool.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/proto/wallet.capnp.h"
#include "wallet_store.hpp"

namespace skymesh::wallet_service {

class WalletService {
 public:
  // Borrows node, ctx, store and workers; they must outlive the service. `chain` is the chain serverlet's client,
  // or nullopt when no --chain was given (the chain methods then answer failed_precondition).
  WalletService(bus::Node& node, const cipher::Secp256k1& ctx, WalletStore& store, bus::WorkerPool& workers,
                std::optional<bus::Client> chain);
  WalletService(const WalletService&) = delete;
  WalletService& operator=(const WalletService&) = delete;

  // Registers the wallet.* methods on the node.
  bus::Status attach();

 private:
  bus::Status create(proto::WalletCreateRequest::Reader request, proto::WalletCreateReply::Builder reply);
  bus::Status list(proto::WalletListRequest::Reader request, proto::WalletListReply::Builder reply);
  bus::Status addresses(proto::WalletAddressesRequest::Reader request, proto::WalletAddressesReply::Builder reply);
  bus::Status encrypt(proto::WalletPasswordRequest::Reader request, proto::WalletInfo::Builder reply);
  bus::Status decrypt(proto::WalletPasswordRequest::Reader request, proto::WalletInfo::Builder reply);
  bus::Status seed(proto::WalletPasswordRequest::Reader request, proto::WalletSeedReply::Builder reply);

  // wallet_spend.cpp
  bus::Status balance(proto::WalletIdRequest::Reader request, proto::WalletBalanceReply::Builder reply);
  bus::Status outputs(proto::WalletIdRequest::Reader request, proto::WalletOutputsReply::Builder reply);
  bus::Status send(proto::WalletSendRequest::Reader request, proto::WalletSendReply::Builder reply);
  // wallet_history.cpp
  bus::Status history(proto::WalletIdRequest::Reader request, proto::WalletHistoryReply::Builder reply);

  // Holds the wallet's mutex until it goes out of scope (fibers of the reactor thread only).
  struct WalletGuard {
    std::shared_ptr<boost::fibers::mutex> mutex;
    std::unique_lock<boost::fibers::mutex> lock;
  };
  WalletGuard guard_wallet(const std::string& id);

  bus::Node& node_;
  const cipher::Secp256k1& ctx_;
  WalletStore& store_;
  bus::WorkerPool& workers_;
  std::optional<bus::Client> chain_;
  std::map<std::string, std::weak_ptr<boost::fibers::mutex>> wallet_mutexes_;  // by id; expired ones are dropped
};

// Fills a WalletInfo from a wallet.
void fill_info(proto::WalletInfo::Builder out, const wallet::Wallet& wallet);

}  // namespace skymesh::wallet_service
