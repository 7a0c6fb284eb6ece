// The chain's consensus hooks, through the bus against a real skymesh-chain process started with --consensus 1:
// chain.propose builds the pool's next block unsigned, chain.validate answers ok or the rule a block breaks,
// chain.commit applies a block only with a certificate that a quorum of its trust set signed (stored by seq,
// served by chain.certificate), and such a chain makes no block of its own.
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../bus/test_options.hpp"
#include "chain_fixture.hpp"
#include "child_process.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/consensus/messages.hpp"
#include "skymesh/consensus/signing.hpp"
#include "skymesh/proto/chain.capnp.h"
#include "temp_dir.hpp"

using namespace skymesh;
using namespace skymesh::proto;
using test::ChildProcess;

namespace {

// The trust set of the chains under test: four keys, so a quorum is three.
constexpr int k_members = 4;
constexpr const char* k_chain_id = "skymesh";

cipher::KeyPair member_key(const cipher::Secp256k1& ctx, int i) {
  const cipher::SecretKey secret = test::ChainFixture::key_from_name(("trust member " + std::to_string(i)).c_str());
  return cipher::KeyPair{cipher::public_key_from_secret(ctx, secret), secret};
}

// A certificate for `block` at its seq, precommitted by members [first, first + signers) under `chain_id`.
coin::Bytes certificate_for(const cipher::Secp256k1& ctx, coin::ByteView block, int signers, int first = 0,
                            const char* chain_id = k_chain_id) {
  auto decoded = coin::decode_block(block);
  REQUIRE(decoded);
  consensus::CommitCertificate certificate;
  certificate.height = decoded->header.seq;
  certificate.round = 0;
  certificate.block_hash = cipher::sha256(block);
  for (int i = first; i < first + signers; ++i) {
    certificate.precommits.push_back(consensus::sign_vote(ctx, chain_id, consensus::VoteKind::precommit,
                                                          certificate.height, 0, certificate.block_hash,
                                                          member_key(ctx, i)));
  }
  return consensus::encode(certificate);
}

capnp::Data::Reader data_of(coin::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}
coin::Bytes bytes_of(capnp::Data::Reader data) {
  return coin::Bytes(data.begin(), data.end());
}

// The rule fixture's network on disk, with a block-making key nobody in these tests holds.
struct ConsensusChain {
  test::ChainFixture chain;
  test::TempDir dir{"chain-consensus"};

  ConsensusChain() {
    const cipher::SecretKey maker = test::ChainFixture::key_from_name("nobody");
    std::ofstream net(dir.path() / "net.toml");
    net << "[node]\ngenesis_address_str = \"" << chain.alice_address.to_base58() << "\"\n"
        << "genesis_coin_volume = " << chain.genesis.coins << "\ngenesis_timestamp = " << chain.genesis.timestamp
        << "\nblockchain_pubkey_str = \"" << cipher::public_key_from_secret(chain.ctx, maker).hex() << "\"\n";
    std::ofstream key(dir.path() / "maker.key");
    key << maker.hex() << "\n";
    std::ofstream trust(dir.path() / "trust.toml");
    for (int i = 0; i < k_members; ++i) {
      trust << "[[node]]\npublic_key = \"" << member_key(chain.ctx, i).public_key.hex()
            << "\"\nendpoint = \"tcp://127.0.0.1:" << 1 + i << "\"\n";
    }
  }
  std::vector<std::string> args(bool consensus) const {
    std::vector<std::string> out{"--data",      (dir.path() / "data").string(),
                                 "--genesis",   (dir.path() / "net.toml").string(),
                                 "--log-level", "warn"};
    if (consensus) {
      for (const char* arg : {"--consensus", "1", "--trust"}) out.push_back(arg);
      out.push_back((dir.path() / "trust.toml").string());
    }
    return out;
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

bus::Result<bus::Reply<ChainProposeReply>> propose(bus::Client& client) {
  return client.call<ChainProposeRequest, ChainProposeReply>("chain.propose", [](ChainProposeRequest::Builder) {});
}
bus::Result<bus::Reply<ChainValidateReply>> validate(bus::Client& client, coin::ByteView block) {
  return client.call<ChainValidateRequest, ChainValidateReply>(
      "chain.validate", [block](ChainValidateRequest::Builder request) { request.setBlock(data_of(block)); });
}
bus::Result<bus::Reply<ChainCommitReply>> commit(bus::Client& client, coin::ByteView block,
                                                 coin::ByteView certificate) {
  return client.call<ChainCommitRequest, ChainCommitReply>("chain.commit",
                                                           [block, certificate](ChainCommitRequest::Builder request) {
                                                             request.setBlock(data_of(block));
                                                             request.setCertificate(data_of(certificate));
                                                           });
}
bus::Result<bus::Reply<ChainCertificateReply>> certificate(bus::Client& client, uint64_t seq) {
  return client.call<ChainCertificateRequest, ChainCertificateReply>(
      "chain.certificate", [seq](ChainCertificateRequest::Builder request) { request.setSeq(seq); });
}
bus::Result<bus::Reply<ChainStatusReply>> status(bus::Client& client) {
  return client.call<ChainStatusRequest, ChainStatusReply>("chain.status", [](ChainStatusRequest::Builder) {});
}
void inject(bus::Client& client, const coin::Transaction& tx) {
  const coin::Bytes raw = coin::encode(tx);
  auto injected = client.call<ChainInjectRequest, ChainInjectReply>(
      "chain.inject", [&raw](ChainInjectRequest::Builder request) { request.setRaw(data_of(raw)); });
  INFO(injected.status().to_string());
  REQUIRE(injected.ok());
}

}  // namespace

TEST_CASE("a consensus chain proposes the pool's next block, validates it and commits it with its certificate") {
  ConsensusChain files;
  ChildProcess node("skymesh-chain", files.args(true));
  REQUIRE(!node.endpoint().empty());
  ClientBus bus;
  bus.run([&]() {
    auto client = bus.client(node.endpoint());
    auto empty = propose(client);
    REQUIRE(empty.ok());
    CHECK(empty.value().get().getBlock().size() == 0);
    CHECK(empty.value().get().getSeq() == 1);

    const coin::Transaction tx = files.chain.pay_bob();
    inject(client, tx);
    auto proposed = propose(client);
    REQUIRE(proposed.ok());
    const coin::Bytes block_bytes = bytes_of(proposed.value().get().getBlock());
    CHECK(proposed.value().get().getTransactions() == 1);
    auto block = coin::decode_block(block_bytes);
    REQUIRE(block);
    CHECK(block->header.seq == 1);
    REQUIRE(block->transactions.size() == 1);
    CHECK(coin::transaction_id(block->transactions[0]) == coin::transaction_id(tx));

    auto checked = validate(client, block_bytes);
    REQUIRE(checked.ok());
    CHECK(checked.value().get().getOk());
    // Proposing is not committing: the head stays at genesis.
    CHECK(status(client).value().get().getHeadSeq() == 0);
    CHECK(certificate(client, 1).status().code() == bus::ErrorCode::not_found);

    // A certificate short of a quorum, one from keys outside the trust set, one signed for another network and
    // one that is not a certificate at all are refused, and nothing is stored.
    auto short_of_quorum = commit(client, block_bytes, certificate_for(files.chain.ctx, block_bytes, 2));
    CHECK(short_of_quorum.status().code() == bus::ErrorCode::unauthorized);
    CHECK(short_of_quorum.status().message().find("not_a_quorum") != std::string::npos);
    auto strangers = commit(client, block_bytes, certificate_for(files.chain.ctx, block_bytes, 3, k_members));
    CHECK(strangers.status().code() == bus::ErrorCode::unauthorized);
    auto other_network =
        commit(client, block_bytes, certificate_for(files.chain.ctx, block_bytes, 3, 0, "another network"));
    CHECK(other_network.status().code() == bus::ErrorCode::unauthorized);
    CHECK(commit(client, block_bytes, coin::Bytes{'c', 'e', 'r', 't'}).status().code() == bus::ErrorCode::bad_request);
    CHECK(status(client).value().get().getHeadSeq() == 0);
    CHECK(certificate(client, 1).status().code() == bus::ErrorCode::not_found);

    const coin::Bytes k_certificate = certificate_for(files.chain.ctx, block_bytes, 3);
    auto committed = commit(client, block_bytes, k_certificate);
    INFO(committed.status().to_string());
    REQUIRE(committed.ok());
    CHECK(committed.value().get().getSeq() == 1);
    CHECK(!committed.value().get().getAlreadyCommitted());
    auto after = status(client);
    CHECK(after.value().get().getHeadSeq() == 1);
    CHECK(after.value().get().getPoolSize() == 0);
    auto stored = certificate(client, 1);
    REQUIRE(stored.ok());
    CHECK(bytes_of(stored.value().get().getCertificate()) == k_certificate);
    // The committed block carries no block-maker signature; its authority is the certificate.
    auto fetched =
        client.call<ChainBlockRequest, ChainBlock>("chain.block", [](ChainBlockRequest::Builder r) { r.setSeq(1); });
    REQUIRE(fetched.ok());
    CHECK(fetched.value().get().getSignature().size() == 0);
    CHECK(bytes_of(fetched.value().get().getRaw()) == block_bytes);

    // The same block again is accepted without change; the block is no longer valid on the new head.
    auto again = commit(client, block_bytes, k_certificate);
    REQUIRE(again.ok());
    CHECK(again.value().get().getAlreadyCommitted());
    CHECK(!validate(client, block_bytes).value().get().getOk());
  });
}

TEST_CASE("chain.validate names the coin rule a block breaks and chain.commit refuses it") {
  ConsensusChain files;
  ChildProcess node("skymesh-chain", files.args(true));
  REQUIRE(!node.endpoint().empty());
  ClientBus bus;
  bus.run([&]() {
    auto client = bus.client(node.endpoint());
    inject(client, files.chain.pay_bob());
    auto proposed = propose(client);
    REQUIRE(proposed.ok());
    auto block = coin::decode_block(bytes_of(proposed.value().get().getBlock()));
    REQUIRE(block);

    coin::Block wrong_prev = block.value();
    wrong_prev.header.prev_hash = coin::Sha256();
    const coin::Bytes bad = coin::encode(wrong_prev);
    auto checked = validate(client, bad);
    REQUIRE(checked.ok());
    CHECK(!checked.value().get().getOk());
    CHECK(checked.value().get().getCode() == static_cast<uint16_t>(coin::CoinError::prev_hash_mismatch));
    CHECK(std::string(checked.value().get().getMessage().cStr()).rfind("62 prev_hash_mismatch", 0) == 0);

    const coin::Bytes garbage{1, 2, 3};
    auto undecodable = validate(client, garbage);
    REQUIRE(undecodable.ok());
    CHECK(undecodable.value().get().getCode() == static_cast<uint16_t>(coin::CoinError::truncated));

    auto refused = commit(client, bad, certificate_for(files.chain.ctx, bad, 4));
    CHECK(refused.status().code() == bus::ErrorCode::failed_precondition);
    CHECK(commit(client, bytes_of(proposed.value().get().getBlock()), coin::Bytes()).status().code() ==
          bus::ErrorCode::bad_request);
    CHECK(status(client).value().get().getHeadSeq() == 0);
    CHECK(certificate(client, 1).status().code() == bus::ErrorCode::not_found);
  });
}

TEST_CASE("a consensus chain makes no block itself and a plain chain takes no committed block") {
  ConsensusChain files;
  {
    ChildProcess node("skymesh-chain", files.args(true));
    REQUIRE(!node.endpoint().empty());
    ClientBus bus;
    bus.run([&]() {
      auto client = bus.client(node.endpoint());
      inject(client, files.chain.pay_bob());
      auto made = client.call<ChainMakeBlockRequest, ChainMakeBlockReply>("chain.make_block",
                                                                          [](ChainMakeBlockRequest::Builder) {});
      CHECK(made.status().code() == bus::ErrorCode::failed_precondition);
      CHECK(status(client).value().get().getHeadSeq() == 0);
      CHECK(!status(client).value().get().getMakesBlocks());
    });
  }
  {
    std::vector<std::string> args = files.args(true);
    args.push_back("--block-key");
    args.push_back((files.dir.path() / "maker.key").string());
    ChildProcess refused("skymesh-chain", args, 1, ChildProcess::Output::merged);
    CHECK(refused.endpoint().empty());
    CHECK(refused.output().find("--consensus takes no --block-key, --block-interval or --follow") != std::string::npos);
  }
  {
    std::vector<std::string> args = files.args(false);
    for (const char* arg : {"--consensus", "1"}) args.push_back(arg);
    ChildProcess refused("skymesh-chain", args, 1, ChildProcess::Output::merged);
    CHECK(refused.endpoint().empty());
    CHECK(refused.output().find("--consensus needs --trust FILE") != std::string::npos);
  }
  ChildProcess plain("skymesh-chain", files.args(false));
  REQUIRE(!plain.endpoint().empty());
  ClientBus bus;
  bus.run([&]() {
    auto client = bus.client(plain.endpoint());
    CHECK(commit(client, coin::Bytes{1}, coin::Bytes{2}).status().code() == bus::ErrorCode::unknown_method);
    CHECK(propose(client).status().code() == bus::ErrorCode::unknown_method);
  });
}
