// bench_consensus: four block-making nodes on tcp loopback, each a skymesh-chain --consensus 1 and a
// skymesh-consensus process (build/bin), measured from a client that injects transactions into every chain.
//   bench_consensus [--blocks N] [--full-txs M]   (defaults 10 and 120)
// commit_latency_p50_ms: one transaction injected into every chain until the block holding it is on all four, N
//   times in a row (Skycoin blocks cannot be empty, so the "empty" case is a one-transaction block).
// blocks_per_s: those N blocks over their total time (each waits for the one before).
// full_commit_latency_ms, tx_per_s: M independent transactions injected into every chain at once, until all are
//   committed on all four chains (as many blocks as the 32 KiB block limit needs), and the rate that gives.
// message_delays_per_commit: 3 x (1 + mean round of the commit certificates): a round-0 commit takes a proposal,
//   a prevote and a precommit, each one message delay; later rounds add their timeouts too.
// Last line: one JSON object.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../../tests/support/child_process.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/bus/reactor.hpp"
#include "skymesh/cipher/cipher.hpp"
#include "skymesh/coin/coin.hpp"
#include "skymesh/consensus/messages.hpp"
#include "skymesh/proto/chain.capnp.h"

using namespace skymesh;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int k_nodes = 4;

capnp::Data::Reader data_of(coin::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}
coin::ByteView view_of(capnp::Data::Reader data) {
  return coin::ByteView(data.begin(), data.size());
}
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}
cipher::SecretKey key_from_name(const std::string& name) {
  return cipher::SecretKey::from_bytes(cipher::sha256(cipher::as_bytes(name)).view());
}

std::vector<int> free_ports(int count) {
  std::vector<int> fds, ports;
  for (int i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) std::exit(2);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    fds.push_back(fd);
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : fds) ::close(fd);
  return ports;
}

struct Cluster {
  cipher::Secp256k1 ctx;
  cipher::SecretKey alice = key_from_name("bench alice");
  cipher::Address alice_address = cipher::Address::from_secret_key(ctx, alice);
  coin::GenesisParams genesis{alice_address, coin::k_max_droplet_supply, 1'600'000'000};
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("bench-consensus-" + std::to_string(std::random_device()()));
  std::vector<std::unique_ptr<test::ChildProcess>> chains, consensus;

  Cluster() {
    std::filesystem::create_directories(dir);
    std::ofstream net(dir / "net.toml");
    net << "[node]\ngenesis_address_str = \"" << alice_address.to_base58()
        << "\"\ngenesis_coin_volume = " << genesis.coins << "\ngenesis_timestamp = " << genesis.timestamp
        << "\nblockchain_pubkey_str = \"" << cipher::public_key_from_secret(ctx, key_from_name("bench no maker")).hex()
        << "\"\n";
    net.close();
    // Every port chosen up front (consensus, then chains): the chains read the trust file too.
    const std::vector<int> ports = free_ports(2 * k_nodes);
    std::ofstream trust(dir / "trust.toml");
    for (int i = 0; i < k_nodes; ++i) {
      const cipher::SecretKey secret = key_from_name("bench consensus " + std::to_string(i));
      std::ofstream(dir / ("secret" + std::to_string(i))) << secret.hex() << "\n";
      trust << "[[node]]\npublic_key = \"" << cipher::public_key_from_secret(ctx, secret).hex()
            << "\"\nendpoint = \"tcp://127.0.0.1:" << ports[i] << "\"\n";
    }
    trust.close();
    for (int i = 0; i < k_nodes; ++i) {
      chains.push_back(std::make_unique<test::ChildProcess>(
          "skymesh-chain",
          std::vector<std::string>{"--data", (dir / ("chain" + std::to_string(i))).string(), "--genesis",
                                   (dir / "net.toml").string(), "--consensus", "1", "--trust",
                                   (dir / "trust.toml").string(), "--listen",
                                   "tcp://127.0.0.1:" + std::to_string(ports[k_nodes + i]), "--log-level", "error"}));
    }
    for (int i = 0; i < k_nodes; ++i) {
      const std::string n = std::to_string(i);
      consensus.push_back(std::make_unique<test::ChildProcess>(
          "skymesh-consensus",
          std::vector<std::string>{"--data", (dir / ("consensus" + n)).string(), "--listen",
                                   "tcp://127.0.0.1:" + std::to_string(ports[i]), "--chain", chains[i]->endpoint(),
                                   "--secret", (dir / ("secret" + n)).string(), "--trust",
                                   (dir / "trust.toml").string(), "--log-level", "error"}));
    }
  }
  ~Cluster() {
    consensus.clear();
    chains.clear();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

coin::Transaction spend_ux(const cipher::Secp256k1& ctx, const coin::UxOut& ux, const cipher::SecretKey& key,
                           std::vector<coin::TransactionOutput> outs) {
  coin::Transaction tx;
  tx.inputs.push_back(coin::ux_id(ux));
  tx.outputs = std::move(outs);
  const std::vector<cipher::SecretKey> keys{key};
  coin::sign_inputs(ctx, tx, keys);
  return tx;
}

// Spends output `index` of `source` (a confirmed transaction; only the output's body matters for its id).
coin::Transaction spend(const cipher::Secp256k1& ctx, const coin::Transaction& source, uint32_t index,
                        const cipher::SecretKey& key, std::vector<coin::TransactionOutput> outs) {
  coin::UxOut ux;
  ux.body.source_transaction = coin::transaction_id(source);
  ux.body.address = source.outputs[index].address;
  ux.body.coins = source.outputs[index].coins;
  ux.body.hours = source.outputs[index].hours;
  return spend_ux(ctx, ux, key, std::move(outs));
}

}  // namespace

int main(int argc, char** argv) {
  size_t blocks = 10, full_txs = 120;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--blocks") blocks = std::strtoul(argv[i + 1], nullptr, 10);
    if (flag == "--full-txs") full_txs = std::strtoul(argv[i + 1], nullptr, 10);
  }
  Cluster cluster;
  for (auto& chain : cluster.chains) {
    if (chain->endpoint().empty()) return 2;
  }
  zmq::context_t context;
  bus::Reactor reactor(context);
  bus::NodeOptions options;
  options.name = "bench";
  options.default_timeout = 60s;
  options.log_level = bus::LogLevel::error;
  bus::Node node(reactor, options);
  int failed = 0;
  std::vector<double> latencies;
  double blocks_ms = 0, full_ms = 0, rounds = 0;
  size_t certificates = 0;
  reactor.run_until_done([&]() {
    std::vector<bus::Client> chains;
    for (auto& chain : cluster.chains) chains.push_back(bus::Client::connect(node, chain->endpoint()).value());
    std::vector<std::unique_ptr<bus::Subscription>> feeds;  // every chain's chain.blocks, from block 1 on
    for (auto& chain : chains) feeds.push_back(std::make_unique<bus::Subscription>(chain, "chain.blocks", 2));
    uint64_t next_seq = 1;
    auto inject_all = [&](const coin::Transaction& tx) {
      const coin::Bytes raw = coin::encode(tx);
      for (auto& chain : chains) {
        auto done = chain.call<proto::ChainInjectRequest, proto::ChainInjectReply>(
            "chain.inject", [&raw](proto::ChainInjectRequest::Builder r) { r.setRaw(data_of(raw)); });
        if (!done.ok()) {
          std::fprintf(stderr, "inject: %s\n", done.status().to_string().c_str());
          ++failed;
        }
      }
    };
    // Waits for the next block on every chain; the number of transactions it holds (0 on a timeout).
    auto next_block = [&]() -> size_t {
      auto event = feeds[0]->next(60s);
      if (!event.ok()) {
        ++failed;
        return 0;
      }
      for (size_t i = 1; i < feeds.size(); ++i) {  // the block is on every chain before the next spend of its output
        if (!feeds[i]->next(60s).ok()) ++failed;
      }
      auto block = coin::decode_block(view_of(event.value()->payload<proto::ChainBlockEvent>().getBlock()));
      const uint64_t seq = next_seq++;
      auto stored = chains[0].call<proto::ChainCertificateRequest, proto::ChainCertificateReply>(
          "chain.certificate", [seq](proto::ChainCertificateRequest::Builder r) { r.setSeq(seq); });
      if (stored.ok()) {
        auto certificate = consensus::decode_certificate(cluster.ctx, view_of(stored.value().get().getCertificate()));
        if (certificate) {
          rounds += certificate->round;
          ++certificates;
        }
      }
      return block ? block->transactions.size() : 0;
    };

    // A split: alice's genesis output into full_txs outputs for the full blocks and one chain of change.
    const coin::Block genesis_block = coin::make_genesis_block(cluster.genesis);
    const coin::UxOut genesis_output = coin::create_unspents(genesis_block.header, genesis_block.transactions[0])[0];
    std::vector<coin::TransactionOutput> outs;
    const uint64_t coin1 = coin::k_droplets_per_coin;
    for (size_t i = 0; i < full_txs; ++i) outs.push_back({cluster.alice_address, coin1, 10 + i});  // distinct ids
    outs.push_back({cluster.alice_address, cluster.genesis.coins - full_txs * coin1, 1'000'000'000});
    const coin::Transaction split = spend_ux(cluster.ctx, genesis_output, cluster.alice, outs);
    inject_all(split);
    while (next_block() == 0 && failed == 0) {
    }

    // One-transaction blocks, one after the other, along the change output.
    coin::Transaction previous = split;
    uint32_t change = static_cast<uint32_t>(full_txs);
    const auto all_start = Clock::now();
    for (size_t b = 0; b < blocks && failed == 0; ++b) {
      const uint64_t hours = previous.outputs[change].hours;
      coin::Transaction tx =
          spend(cluster.ctx, previous, change, cluster.alice,
                {{cluster.alice_address, coin1, 1},
                 {cluster.alice_address, previous.outputs[change].coins - coin1, hours - (hours + 9) / 10 - 1}});
      const auto start = Clock::now();
      inject_all(tx);
      next_block();
      latencies.push_back(ms_since(start));
      previous = tx;
      change = 1;
    }
    blocks_ms = ms_since(all_start);

    // Full blocks: every split output spent at once.
    const auto full_start = Clock::now();
    for (size_t i = 0; i < full_txs; ++i) {
      inject_all(
          spend(cluster.ctx, split, static_cast<uint32_t>(i), cluster.alice, {{cluster.alice_address, coin1, 1}}));
    }
    size_t committed = 0;
    while (committed < full_txs && failed == 0) committed += next_block();
    full_ms = ms_since(full_start);
  });
  std::sort(latencies.begin(), latencies.end());
  const double p50 = latencies.empty() ? -1 : latencies[latencies.size() / 2];
  const double mean_round = certificates == 0 ? 0 : rounds / static_cast<double>(certificates);
  std::printf(
      "{\"commit_latency_p50_ms\":%.1f,\"blocks_per_s\":%.2f,\"full_commit_latency_ms\":%.1f,\"tx_per_s\":%.1f,"
      "\"message_delays_per_commit\":%.2f,\"blocks\":%zu,\"full_txs\":%zu,\"failed\":%d}\n",
      p50, blocks_ms > 0 ? 1000.0 * static_cast<double>(latencies.size()) / blocks_ms : 0, full_ms,
      full_ms > 0 ? 1000.0 * static_cast<double>(full_txs) / full_ms : 0, 3 * (1 + mean_round), blocks, full_txs,
      failed);
  return failed == 0 ? 0 : 1;
}
