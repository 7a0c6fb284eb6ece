// Four block-making nodes as real processes on tcp loopback: each a skymesh-chain started with --consensus 1 and a
// skymesh-consensus driving it, one trust set of four keys (quorum 3, f = 1). A transaction injected into the
// chains is committed by every one with a certificate that checks; with one consensus process killed blocks keep
// coming; with two killed nothing is committed and no chain forks; once they restart, progress resumes, the
// laggard catches up from its peers' consensus.commits, all four chains end with identical heads, and with
// nothing to commit the nodes wait idle.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../bus/test_options.hpp"
#include "../chain/chain_fixture.hpp"
#include "../chain/temp_dir.hpp"
#include "child_process.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/consensus/certificate.hpp"
#include "skymesh/proto/chain.capnp.h"
#include "skymesh/proto/consensus.capnp.h"

using namespace skymesh;
using namespace skymesh::proto;
using namespace std::chrono_literals;
using test::ChildProcess;

namespace {

constexpr int k_nodes = 4;
constexpr auto k_commit_wait = 60s;  // generous: the machine is shared with other builds
constexpr auto k_halt_wait = 8s;     // several rounds of the timeouts below

capnp::Data::Reader data_of(coin::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}
coin::ByteView view_of(capnp::Data::Reader data) {
  return coin::ByteView(data.begin(), data.size());
}

// `count` distinct tcp ports on 127.0.0.1 that were free a moment ago (the consensus processes must know each
// other's endpoints before they start). The sockets stay bound until all are chosen, so no port comes twice.
std::vector<int> free_ports(int count) {
  std::vector<int> fds, ports;
  for (int i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    fds.push_back(fd);
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : fds) ::close(fd);
  return ports;
}

struct Cluster {
  test::ChainFixture coins;
  test::TempDir dir{"consensus-process"};
  std::vector<cipher::SecretKey> secrets;
  std::vector<std::string> endpoints;  // of the consensus processes
  std::vector<std::unique_ptr<ChildProcess>> chains;
  std::vector<std::unique_ptr<ChildProcess>> consensus;

  Cluster() {
    const cipher::SecretKey maker = test::ChainFixture::key_from_name("no block maker");
    std::ofstream net(dir.path() / "net.toml");
    net << "[node]\ngenesis_address_str = \"" << coins.alice_address.to_base58() << "\"\n"
        << "genesis_coin_volume = " << coins.genesis.coins << "\ngenesis_timestamp = " << coins.genesis.timestamp
        << "\nblockchain_pubkey_str = \"" << cipher::public_key_from_secret(coins.ctx, maker).hex() << "\"\n";
    net.close();
    // Every port chosen up front (consensus first, then the chains), so the trust file the chains read names them.
    const std::vector<int> ports = free_ports(2 * k_nodes);
    std::ofstream trust(dir.path() / "trust.toml");
    for (int i = 0; i < k_nodes; ++i) {
      const std::string name = "consensus node " + std::to_string(i);
      secrets.push_back(test::ChainFixture::key_from_name(name.c_str()));
      std::ofstream(dir.path() / ("secret" + std::to_string(i))) << secrets.back().hex() << "\n";
      endpoints.push_back("tcp://127.0.0.1:" + std::to_string(ports[i]));
      trust << "[[node]]\npublic_key = \"" << cipher::public_key_from_secret(coins.ctx, secrets.back()).hex()
            << "\"\nendpoint = \"" << endpoints.back() << "\"\n\n";
    }
    trust.close();
    for (int i = 0; i < k_nodes; ++i) {
      chains.push_back(std::make_unique<ChildProcess>(
          "skymesh-chain",
          std::vector<std::string>{"--data", (dir.path() / ("chain" + std::to_string(i))).string(), "--genesis",
                                   (dir.path() / "net.toml").string(), "--consensus", "1", "--trust",
                                   (dir.path() / "trust.toml").string(), "--listen",
                                   "tcp://127.0.0.1:" + std::to_string(ports[k_nodes + i]), "--log-level", "warn"}));
      REQUIRE(!chains.back()->endpoint().empty());
    }
    consensus.resize(k_nodes);
    for (int i = 0; i < k_nodes; ++i) start_consensus(i);
  }

  void start_consensus(int i) {
    const std::string n = std::to_string(i);
    consensus[i] = std::make_unique<ChildProcess>(
        "skymesh-consensus",
        std::vector<std::string>{"--data", (dir.path() / ("consensus" + n)).string(), "--listen", endpoints[i],
                                 "--chain", chains[i]->endpoint(), "--secret", (dir.path() / ("secret" + n)).string(),
                                 "--trust", (dir.path() / "trust.toml").string(), "--propose-ms", "500", "--vote-ms",
                                 "200", "--round-delta-ms", "20", "--log-level", "error"});
    REQUIRE(consensus[i]->endpoint() == endpoints[i]);
  }
  void kill_consensus(int i) { consensus[i].reset(); }

  consensus::TrustSet trust_set() const {
    std::vector<cipher::PublicKey> keys;
    for (const auto& secret : secrets) keys.push_back(cipher::public_key_from_secret(coins.ctx, secret));
    return consensus::TrustSet::create(keys).value();
  }
};

struct ClientBus {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node node{reactor, test::quick_options("client")};

  bus::Client client(const std::string& endpoint) {
    auto connected = bus::Client::connect(node, endpoint);
    REQUIRE(connected.ok());
    return connected.value();
  }
  void run(std::function<void()> body) { reactor.run_until_done(std::move(body)); }
};

void inject(bus::Client& chain, const coin::Transaction& tx) {
  const coin::Bytes raw = coin::encode(tx);
  auto injected = chain.call<ChainInjectRequest, ChainInjectReply>(
      "chain.inject", [&raw](ChainInjectRequest::Builder request) { request.setRaw(data_of(raw)); });
  INFO(injected.status().to_string());
  REQUIRE(injected.ok());
}

// Waits on the chain's chain.blocks feed for block `seq`; its hash, or nullopt when `wait` passes first.
std::optional<coin::Sha256> wait_for_block(bus::Client& chain, uint64_t seq, std::chrono::milliseconds wait) {
  bus::Subscription blocks(chain, "chain.blocks", seq + 1);  // entry seq + 1 holds block seq
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto event = blocks.next(std::max(left, std::chrono::milliseconds(1)));
    if (!event.ok()) return std::nullopt;
    auto payload = event.value()->payload<ChainBlockEvent>();
    if (payload.getSeq() == seq) return coin::Sha256::from_bytes(view_of(payload.getHash()));
  }
  return std::nullopt;
}

ChainStatusReply::Reader chain_status(bus::Client& chain, std::optional<bus::Reply<ChainStatusReply>>& holder) {
  auto status = chain.call<ChainStatusRequest, ChainStatusReply>("chain.status", [](ChainStatusRequest::Builder) {});
  REQUIRE(status.ok());
  holder.emplace(status.value());
  return holder->get();
}

// The block at `seq` holds tx, and the chain's stored certificate commits exactly that block for the trust set.
void check_committed(Cluster& cluster, bus::Client& chain, uint64_t seq, const coin::Transaction& tx) {
  auto block =
      chain.call<ChainBlockRequest, ChainBlock>("chain.block", [seq](ChainBlockRequest::Builder r) { r.setSeq(seq); });
  REQUIRE(block.ok());
  auto decoded = coin::decode_block(view_of(block.value().get().getRaw()));
  REQUIRE(decoded);
  REQUIRE(decoded->transactions.size() == 1);
  CHECK(coin::transaction_id(decoded->transactions[0]) == coin::transaction_id(tx));
  auto stored = chain.call<ChainCertificateRequest, ChainCertificateReply>(
      "chain.certificate", [seq](ChainCertificateRequest::Builder r) { r.setSeq(seq); });
  REQUIRE(stored.ok());
  auto certificate = consensus::decode_certificate(cluster.coins.ctx, view_of(stored.value().get().getCertificate()));
  REQUIRE(certificate);
  consensus::SignatureChecker checker(cluster.coins.ctx);
  auto checked = consensus::check_committed_block(checker, "skymesh", cluster.trust_set(), certificate.value(),
                                                  view_of(block.value().get().getRaw()), seq);
  INFO((checked ? std::string("ok") : checked.fault().to_string()));
  CHECK(checked);
}

// Alice pays bob one coin (and 1 hour) from the change output of `previous` (output 1), keeping half its hours
// as change and burning the rest. The change was made at the head block's time, so it has accrued no hours yet.
coin::Transaction pay_from_change(const test::ChainFixture& coins, const coin::Transaction& previous) {
  coin::UxOut change;
  change.body.source_transaction = coin::transaction_id(previous);
  change.body.address = previous.outputs[1].address;
  change.body.coins = previous.outputs[1].coins;
  change.body.hours = previous.outputs[1].hours;
  const uint64_t one = coin::k_droplets_per_coin;
  return coins.spend(
      {change}, {coins.alice},
      {{coins.bob_address, one, 1}, {coins.alice_address, change.body.coins - one, change.body.hours / 2}});
}

}  // namespace

TEST_CASE("four consensus processes commit on every chain, survive one crash, halt without a fork on two, resume") {
  Cluster cluster;
  ClientBus bus;
  bus.run([&]() {
    std::vector<bus::Client> chains;
    for (int i = 0; i < k_nodes; ++i) chains.push_back(bus.client(cluster.chains[i]->endpoint()));
    auto inject_into = [&](const coin::Transaction& tx, std::vector<int> nodes) {
      for (int i : nodes) inject(chains[i], tx);
    };
    auto committed_on = [&](uint64_t seq, std::vector<int> nodes) {
      std::optional<coin::Sha256> first;
      for (int i : nodes) {
        auto hash = wait_for_block(chains[i], seq, k_commit_wait);
        INFO("chain " << i << " block " << seq);
        REQUIRE(hash);
        if (!first) first = hash;
        CHECK(*hash == *first);
      }
    };

    // All four: the transaction is committed everywhere with a certificate that checks.
    const coin::Transaction tx1 = cluster.coins.pay_bob();
    inject_into(tx1, {0, 1, 2, 3});
    committed_on(1, {0, 1, 2, 3});
    for (int i = 0; i < k_nodes; ++i) check_committed(cluster, chains[i], 1, tx1);

    // One consensus process down (f = 1): blocks keep coming on the other three chains.
    cluster.kill_consensus(3);
    const coin::Transaction tx2 = pay_from_change(cluster.coins, tx1);
    inject_into(tx2, {0, 1, 2, 3});
    committed_on(2, {0, 1, 2});
    check_committed(cluster, chains[0], 2, tx2);

    // Two down (f + 1): no quorum, so nothing is committed and no chain moves.
    cluster.kill_consensus(2);
    const coin::Transaction tx3 = pay_from_change(cluster.coins, tx2);
    inject_into(tx3, {0, 1, 2});
    CHECK(!wait_for_block(chains[0], 3, k_halt_wait));
    std::optional<bus::Reply<ChainStatusReply>> holder;
    for (int i = 0; i < 3; ++i) CHECK(chain_status(chains[i], holder).getHeadSeq() == 2);
    CHECK(chain_status(chains[3], holder).getHeadSeq() == 1);

    // Both back: progress resumes, and node 3's chain catches up from its peers' commits.
    cluster.start_consensus(2);
    cluster.start_consensus(3);
    committed_on(3, {0, 1, 2, 3});
    for (int i = 0; i < k_nodes; ++i) check_committed(cluster, chains[i], 3, tx3);
    const coin::Transaction tx4 = pay_from_change(cluster.coins, tx3);
    inject_into(tx4, {0, 1, 2, 3});
    committed_on(4, {0, 1, 2, 3});

    // Identical heads everywhere, and no signer was caught equivocating.
    const std::string head_hash = cipher::to_hex(view_of(chain_status(chains[0], holder).getHeadHash()));
    for (int i = 0; i < k_nodes; ++i) {
      auto status = chain_status(chains[i], holder);
      CHECK(status.getHeadSeq() == 4);
      CHECK(cipher::to_hex(view_of(status.getHeadHash())) == head_hash);
      auto node = bus.client(cluster.endpoints[i]);
      auto evidence = node.call<ConsensusEvidenceRequest, ConsensusEvidenceReply>(
          "consensus.evidence", [](ConsensusEvidenceRequest::Builder) {});
      REQUIRE(evidence.ok());
      CHECK(evidence.value().get().getEvidence().size() == 0);
      auto consensus_status = node.call<ConsensusStatusRequest, ConsensusStatusReply>(
          "consensus.status", [](ConsensusStatusRequest::Builder) {});
      REQUIRE(consensus_status.ok());
      auto reply = consensus_status.value().get();
      CHECK(reply.getHeight() == 5);
      CHECK(reply.getIdle());  // no transaction anywhere: height 5 waits without running rounds
      CHECK(reply.getRound() == 0);
      CHECK(reply.getTrustSet().size() == k_nodes);
      CHECK(reply.getQuorum() == 3);
      CHECK(std::string(reply.getSelf().cStr()) ==
            cipher::public_key_from_secret(cluster.coins.ctx, cluster.secrets[i]).hex());
      auto last = consensus::decode_certificate(cluster.coins.ctx, view_of(reply.getLastCertificate()));
      REQUIRE(last);
      CHECK(last->height == 4);
    }
  });
}
