// What the chain serverlet tests share: a network on disk with its block-making key (NodeFiles), a client bus
// in the test process, and the calls they make. Each node runs as a separate skymesh-chain process.
#pragma once

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../bus/test_options.hpp"
#include "chain_fixture.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/proto/chain.capnp.h"
#include "temp_dir.hpp"

namespace skymesh::test {

using namespace skymesh::proto;

inline capnp::Data::Reader data_of(coin::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}
inline std::string hex(capnp::Data::Reader data) {
  return cipher::to_hex(coin::ByteView(data.begin(), data.size()));
}

// The rule fixture's network (all coins to alice at 1600000000) with a block-making key, on disk.
struct NodeFiles {
  ChainFixture chain;
  cipher::SecretKey block_key = ChainFixture::key_from_name("block maker");
  TempDir dir{"chain-node"};

  NodeFiles() {
    std::ofstream net(dir.path() / "net.toml");
    net << "[node]\ngenesis_address_str = \"" << chain.alice_address.to_base58() << "\"\n"
        << "genesis_coin_volume = " << chain.genesis.coins << "\ngenesis_timestamp = " << chain.genesis.timestamp
        << "\nblockchain_pubkey_str = \"" << cipher::public_key_from_secret(chain.ctx, block_key).hex() << "\"\n";
    std::ofstream key(dir.path() / "block.key");
    key << block_key.hex() << "\n";
  }
  std::vector<std::string> args(const std::string& data, bool maker) const {
    std::vector<std::string> out{
        "--data", (dir.path() / data).string(), "--genesis", (dir.path() / "net.toml").string(), "--log-level", "warn"};
    if (maker) {
      out.push_back("--block-key");
      out.push_back((dir.path() / "block.key").string());
    }
    return out;
  }
};

struct ClientBus {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node node{reactor, quick_options("client")};

  bus::Client client(const std::string& endpoint) {
    auto connected = bus::Client::connect(node, endpoint);
    REQUIRE(connected.ok());
    return connected.value();
  }
  void run(std::function<void()> body) { reactor.run_until_done(std::move(body)); }
};

inline bus::Result<bus::Reply<ChainInjectReply>> inject_raw(bus::Client& client, coin::ByteView raw) {
  return client.call<ChainInjectRequest, ChainInjectReply>(
      "chain.inject", [raw](ChainInjectRequest::Builder request) { request.setRaw(data_of(raw)); });
}
inline bus::Result<bus::Reply<ChainInjectReply>> inject(bus::Client& client, const coin::Transaction& tx) {
  return inject_raw(client, coin::encode(tx));
}

inline bus::Result<bus::Reply<ChainStatusReply>> status(bus::Client& client) {
  return client.call<ChainStatusRequest, ChainStatusReply>("chain.status", [](ChainStatusRequest::Builder) {});
}

inline bus::Result<bus::Reply<ChainMakeBlockReply>> make_block(bus::Client& client, uint64_t time) {
  return client.call<ChainMakeBlockRequest, ChainMakeBlockReply>(
      "chain.make_block", [time](ChainMakeBlockRequest::Builder request) { request.setTime(time); });
}

// "CODE name" at the start of a refusal's message, with the bus code.
inline void check_refusal(const bus::Status& status, bus::ErrorCode code, const std::string& prefix) {
  INFO(status.to_string());
  CHECK(status.code() == code);
  CHECK(status.message().rfind(prefix, 0) == 0);
}

}  // namespace skymesh::test
