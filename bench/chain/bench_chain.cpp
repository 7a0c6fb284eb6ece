// bench_chain: how fast the chain serverlet takes blocks, and what bounds it.
//   bench_chain [--seconds S] [--blocks N]   (S for the bus measurement, default 2; N synthetic blocks, default 20)
// tx_per_s: synthetic blocks of 200 transactions with 1-3 inputs each (all signatures valid) through
//   BlockPipeline::submit, the import's path: each block's signatures recovered on every core (blocks ahead while
//   this one is checked), every hard rule (checked while the block before is still syncing), one synced LMDB
//   write transaction per block. sig_bound_tx_per_s: the same transactions' signature recoveries alone, spread over
//   every core: the ceiling for validation (target: tx_per_s >= 0.7 x this), measured before and after tx_per_s and
//   averaged. import_ms: mainnet 0-180 from
//   blocks-all.golden (JSON reading included; -1 where the vectors are absent). outputs_qps: chain.outputs for one
//   address holding blocks x 200 x 3 / 16 outputs (750 by default), client and serverlet Nodes on one reactor over tcp
//   loopback.
// Last line: one JSON object.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "block_json.hpp"
#include "block_pipeline.hpp"
#include "chain_service.hpp"
#include "chain_store.hpp"
#include "importer.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/proto/chain.capnp.h"

using namespace skymesh;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t k_tx_per_block = 200;
constexpr size_t k_keys = 16;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("bench-chain-" + std::to_string(std::random_device()()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

struct Synthetic {
  coin::GenesisParams genesis;
  std::vector<coin::Block> blocks;  // genesis, the split, then the measured blocks
  size_t measured_txs = 0;
};

// Genesis to key 0; block 1 splits it into one-coin outputs over k_keys keys; then `count` blocks of
// k_tx_per_block transactions spending 1-3 of those outputs each (made with make_block, so all are valid).
Synthetic make_chain(const cipher::Secp256k1& ctx, size_t count) {
  std::vector<cipher::SecretKey> keys;
  std::vector<cipher::Address> addresses;
  for (size_t i = 0; i < k_keys; ++i) {
    keys.push_back(
        cipher::SecretKey::from_bytes(cipher::sha256(cipher::as_bytes("bench " + std::to_string(i))).view()));
    addresses.push_back(cipher::Address::from_secret_key(ctx, keys.back()));
  }
  Synthetic out;
  out.genesis = {addresses[0], coin::k_max_droplet_supply, 1'600'000'000};
  coin::SoftRules rules;
  rules.max_block_size = 1u << 30;
  rules.max_transaction_size = 1u << 30;
  coin::Ledger ledger(out.genesis);
  out.blocks.push_back(coin::make_genesis_block(out.genesis));
  ledger.apply_block(ctx, out.blocks.back()).value();
  const coin::UxOut source = ledger.unspent().outputs_of(addresses[0]).front();
  const size_t needed = count * k_tx_per_block * 3;
  coin::Transaction split;
  split.inputs.push_back(coin::ux_id(source));
  for (size_t i = 0; i < needed; ++i)
    split.outputs.push_back({addresses[i % k_keys], coin::k_droplets_per_coin, 1000 + i});  // distinct ids
  split.outputs.push_back({addresses[0], source.body.coins - needed * coin::k_droplets_per_coin, 0});
  const cipher::SecretKey first[] = {keys[0]};
  coin::sign_inputs(ctx, split, first);
  uint64_t time = out.genesis.timestamp + 10;
  out.blocks.push_back(coin::make_block(ctx, ledger.unspent(), *ledger.head(), {split}, time, rules).value());
  auto effect = ledger.apply_block(ctx, out.blocks.back()).value();
  std::vector<coin::UxOut> coins(effect.created.begin(), effect.created.end() - 1);
  size_t next = 0;
  std::mt19937 random(20261127);
  for (size_t b = 0; b < count; ++b) {
    std::vector<coin::Transaction> txs;
    for (size_t t = 0; t < k_tx_per_block; ++t) {
      const size_t inputs = 1 + random() % 3;
      coin::Transaction tx;
      std::vector<cipher::SecretKey> signers;
      uint64_t total = 0;
      for (size_t i = 0; i < inputs; ++i, ++next) {
        tx.inputs.push_back(coin::ux_id(coins[next]));
        signers.push_back(keys[next % k_keys]);
        total += coins[next].body.coins;
      }
      tx.outputs.push_back({addresses[random() % k_keys], total, 0});
      coin::sign_inputs(ctx, tx, signers);
      txs.push_back(std::move(tx));
    }
    time += 10;
    out.blocks.push_back(coin::make_block(ctx, ledger.unspent(), *ledger.head(), std::move(txs), time, rules).value());
    ledger.apply_block(ctx, out.blocks.back()).value();
    out.measured_txs += k_tx_per_block;
  }
  return out;
}

double apply_tx_per_s(const cipher::Secp256k1& ctx, const Synthetic& chain) {
  TempDir dir;
  auto store = chain::ChainStore::open(dir.path);
  chain::SignatureWorkers workers;
  chain::BlockPipeline pipeline(ctx, *store, workers);
  std::vector<const coin::Block*> order;
  for (const coin::Block& block : chain.blocks) order.push_back(&block);
  for (size_t i = 0; i < 2; ++i) store->apply_block(ctx, chain.blocks[i], std::nullopt, chain.genesis).value();
  const auto start = Clock::now();
  for (size_t i = 2; i < chain.blocks.size(); ++i) {
    pipeline.submit(chain.blocks[i], std::nullopt, chain.genesis, std::span(order).subspan(i + 1)).value();
  }
  pipeline.flush();
  return static_cast<double>(chain.measured_txs) / seconds_since(start);
}

double sig_bound_tx_per_s(const cipher::Secp256k1& ctx, const Synthetic& chain) {
  struct Job {
    coin::Signature sig;
    coin::Sha256 digest;
  };
  std::vector<Job> jobs;
  for (size_t b = 2; b < chain.blocks.size(); ++b) {
    for (const coin::Transaction& tx : chain.blocks[b].transactions) {
      for (size_t i = 0; i < tx.inputs.size(); ++i) jobs.push_back({tx.sigs[i], coin::signed_digest(tx, i)});
    }
  }
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<size_t> failures{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < threads; ++w) {
    workers.emplace_back([&, w]() {
      for (size_t j = w; j < jobs.size(); j += threads) {
        if (!cipher::recover_public_key(ctx, jobs[j].sig, jobs[j].digest)) ++failures;
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  const double elapsed = seconds_since(start);
  if (failures > 0) std::fprintf(stderr, "bench_chain: %zu signatures did not recover\n", failures.load());
  return static_cast<double>(chain.measured_txs) / elapsed;
}

double import_ms(const cipher::Secp256k1& ctx) {
  const std::filesystem::path file = std::filesystem::path(SKYMESH_VECTORS_DIR) / "chain" / "blocks-all.golden";
  std::ifstream in(file, std::ios::binary);
  if (!in) return -1;
  TempDir dir;
  const auto start = Clock::now();
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto blocks = chain::read_api_blocks(json);
  if (!blocks.ok()) return -1;
  auto store = chain::ChainStore::open(dir.path);
  if (!chain::import_blocks(ctx, *store, chain::mainnet_network(ctx), blocks.value()).ok()) return -1;
  return seconds_since(start) * 1000;
}

double outputs_qps(const cipher::Secp256k1& ctx, const Synthetic& chain, double seconds) {
  TempDir dir;
  auto store = chain::ChainStore::open(dir.path / "chain");
  for (size_t i = 0; i < 2; ++i) store->apply_block(ctx, chain.blocks[i], std::nullopt, chain.genesis).value();
  const std::string address = chain.blocks[1].transactions[0].outputs[1].address.to_base58();
  zmq::context_t context;
  bus::Reactor reactor(context);
  bus::NodeOptions server_options;
  server_options.name = "chain";
  server_options.log_level = bus::LogLevel::warn;
  bus::NodeOptions client_options = server_options;
  client_options.name = "bench";
  bus::Node server(reactor, server_options);
  bus::Node client_node(reactor, client_options);
  chain::Network network{
      "bench", chain.genesis, cipher::public_key_from_secret(ctx, cipher::SecretKey::generate()), {}};
  chain::ChainService service(server, ctx, *store, network, std::nullopt);
  double qps = 0;
  reactor.run_until_done([&]() {
    if (!service.attach(dir.path / "topics").ok() || !server.listen("tcp://127.0.0.1:0").ok()) return;
    auto client = bus::Client::connect(client_node, server.endpoints().front()).value();
    size_t calls = 0, outputs = 0;
    const auto start = Clock::now();
    while (seconds_since(start) < seconds) {
      auto reply = client.call<proto::ChainAddressesRequest, proto::ChainOutputsReply>(
          "chain.outputs", [&address](proto::ChainAddressesRequest::Builder r) { r.initAddresses(1).set(0, address); });
      if (!reply.ok()) {
        std::fprintf(stderr, "bench_chain: %s\n", reply.status().to_string().c_str());
        return;
      }
      outputs = reply->get().getOutputs().size();
      ++calls;
    }
    qps = static_cast<double>(calls) / seconds_since(start);
    std::printf("outputs per reply: %zu\n", outputs);
  });
  return qps;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  size_t blocks = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else if (flag == "--blocks") {
      blocks = static_cast<size_t>(std::atoll(argv[i + 1]));
    } else {
      std::fprintf(stderr, "usage: bench_chain [--seconds S] [--blocks N]\n");
      return 2;
    }
  }
  if (seconds <= 0 || blocks == 0 || blocks > 100) {
    std::fprintf(stderr, "bench_chain: --seconds must be > 0 and --blocks 1..100\n");
    return 2;
  }
  const cipher::Secp256k1 ctx;
  try {
    const Synthetic chain = make_chain(ctx, blocks);
    // The machine is shared: the bound is measured right before and right after the blocks and averaged, so a
    // change of load in between does not favour either side.
    const double bound_before = sig_bound_tx_per_s(ctx, chain);
    const double tx = apply_tx_per_s(ctx, chain);
    const double bound_after = sig_bound_tx_per_s(ctx, chain);
    const double bound = (bound_before + bound_after) / 2;
    std::printf("sig_bound_tx_per_s before %.0f after %.0f\n", bound_before, bound_after);
    const double import = import_ms(ctx);
    const double qps = outputs_qps(ctx, chain, seconds);
    std::printf(
        "{\"tx_per_s\":%.0f,\"sig_bound_tx_per_s\":%.0f,\"ratio\":%.2f,\"import_ms\":%.0f,\"outputs_qps\":%.0f}\n", tx,
        bound, tx / bound, import, qps);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_chain: %s\n", e.what());
    return 1;
  }
  return 0;
}
