// skymesh-chain: Skycoin's chain in LMDB, over the bus (docs/chain.md, "The chain serverlet").
//   skymesh-chain --data DIR [--genesis FILE] --import FILE       import a node-API blocks file, then exit
//   skymesh-chain --data DIR [--genesis FILE] [--block-key FILE] [--block-interval S] [--follow ENDPOINT] ...
#include <boost/fiber/operations.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "chain_service.hpp"
#include "chain_store.hpp"
#include "follower.hpp"
#include "import_command.hpp"
#include "lmdb_env.hpp"
#include "options.hpp"
#include "skymesh/bus/serverlet.hpp"
#include "skymesh/consensus/trust_file.hpp"

namespace {

// Makes a block every `seconds` while the pool holds transactions.
void start_block_clock(skymesh::bus::Node& node, skymesh::chain::ChainService& service, uint64_t seconds) {
  node.reactor().spawn([&node, &service, seconds]() {
    while (!node.reactor().stopping()) {
      boost::this_fiber::sleep_for(std::chrono::seconds(seconds));
      auto made = service.make_block(0);
      if (!made.ok() && made.status().message().rfind("68 ", 0) != 0) {
        node.logger().warn("chain_make_block_failed", {{"error", made.status().to_string()}});
      }
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  using namespace skymesh;
  const bus::ServerletSpec spec{"chain",
                                "Skycoin's chain: storage, import, pool, block making and node-to-node sync",
                                {{"genesis", "network file (fiber.toml keys); Skycoin mainnet without it"},
                                 {"import", "a node-API blocks JSON file to import; exits when done"},
                                 {"block-key", "file holding the block-making secret key (hex)"},
                                 {"block-interval", "seconds between blocks made from the pool (needs --block-key)"},
                                 {"follow", "another chain node's endpoint whose chain.blocks to follow"},
                                 {"consensus", "1: take blocks only through chain.commit, with a certificate"},
                                 {"trust", "with --consensus: the trust file (the consensus serverlets' own)"},
                                 {"chain-id", "with --consensus: the network's name in every vote (default skymesh)"}}};
  const cipher::Secp256k1 ctx;
  {
    bus::ServerletOptions options;
    std::string error;
    bool help = false;
    if (parse_serverlet_args(argc, argv, spec, options, error, help) && !help && options.values.count("import")) {
      return chain::run_import(ctx, options);
    }
  }
  // The node holds the store, the service and the follower (Node::hold): they die before it does.
  return bus::run_serverlet(argc, argv, spec, [&](bus::Node& node, const bus::ServerletOptions& options) {
    std::shared_ptr<chain::ChainStore> store;
    std::shared_ptr<chain::ChainService> service;
    auto dir = chain::store_dir(options);
    if (!dir.ok()) return dir.status();
    auto network = chain::network_of(ctx, options);
    if (!network.ok()) return network.status();
    auto key = chain::block_key_of(ctx, network.value(), options);
    if (!key.ok()) return key.status();
    auto interval = chain::block_interval_of(options);
    if (!interval.ok()) return interval.status();
    const bool consensus = chain::flag(options, "consensus") == "1" || chain::flag(options, "consensus") == "true";
    if (consensus && (key.value() || interval.value() > 0 || !chain::flag(options, "follow").empty())) {
      return bus::Status(bus::ErrorCode::bad_request, "--consensus takes no --block-key, --block-interval or --follow");
    }
    std::optional<consensus::TrustSet> trust;
    if (consensus) {
      const std::string trust_path = chain::flag(options, "trust");
      if (trust_path.empty()) return bus::Status(bus::ErrorCode::bad_request, "--consensus needs --trust FILE");
      auto members = consensus::read_trust_file(ctx, trust_path);
      if (!members) return bus::Status(bus::ErrorCode::bad_request, "--trust: " + members.message());
      auto set = consensus::trust_set_of(members.value());
      if (!set) return bus::Status(bus::ErrorCode::bad_request, "--trust: " + set.message());
      trust = std::move(set).value();
    }
    const std::string chain_id =
        chain::flag(options, "chain-id").empty() ? "skymesh" : chain::flag(options, "chain-id");
    try {
      store = chain::ChainStore::open(dir.value());
      node.hold(store);
      service = std::make_shared<chain::ChainService>(node, ctx, *store, network.value(), key.value());
      node.hold(service);
      bus::Status attached = service->attach(std::filesystem::path(options.data_dir) / "topics");
      if (!attached.ok()) return attached;
      if (consensus) {
        attached = service->attach_consensus(dir.value().parent_path() / "chain-certificates", *trust, chain_id);
      }
      if (!attached.ok()) return attached;
    } catch (const chain::StoreError& e) {
      return bus::Status(bus::ErrorCode::storage, e.what());
    }
    if (interval.value() > 0) start_block_clock(node, *service, interval.value());
    if (const std::string from = chain::flag(options, "follow"); !from.empty()) {
      auto follower = std::make_shared<chain::Follower>(node, *service, from);
      node.hold(follower);
      follower->start();
    }
    return bus::Status();
  });
}
