// The unconfirmed pool survives a restart of skymesh-chain: what chain.inject accepted is listed by chain.pool
// after the process is killed and started again, and chain.make_block confirms it; stored transactions that are
// no longer valid against the head when the node starts (a double spend, a spent or unknown input: what a crash
// between a block's commit and the pool's update leaves) are dropped, from the store too.
#include <csignal>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "chain_node_support.hpp"
#include "chain_store.hpp"
#include "child_process.hpp"

using namespace skymesh;
using namespace skymesh::test;

namespace {

std::vector<std::string> pool_ids(bus::Client& client) {
  auto pool = client.call<ChainPoolRequest, ChainPoolReply>("chain.pool", [](ChainPoolRequest::Builder) {});
  INFO(pool.status().to_string());
  REQUIRE(pool.ok());
  std::vector<std::string> ids;
  for (auto tx : pool->get().getTransactions()) ids.push_back(hex(tx.getId()));
  return ids;
}

std::vector<coin::Sha256> stored_pool(const std::filesystem::path& store_dir) {
  auto store = chain::ChainStore::open(store_dir);
  std::vector<coin::Sha256> ids;
  for (const chain::PooledTransaction& entry : store->pool_transactions()) ids.push_back(entry.id);
  return ids;
}

}  // namespace

TEST_CASE("the pool survives a restart, is re-checked against the head, and make_block confirms what stays") {
  NodeFiles files;
  ChainFixture& chain = files.chain;
  const std::filesystem::path store_dir = files.dir.path() / "a" / "chain";
  const coin::Transaction paid = chain.pay_bob();
  const std::string paid_id = coin::transaction_id(paid).hex();
  {
    ChildProcess node("skymesh-chain", files.args("a", true));
    REQUIRE(!node.endpoint().empty());
    ClientBus bus;  // one per run: a reactor that finished its run stops its nodes
    bus.run([&]() {
      auto client = bus.client(node.endpoint());
      auto injected = inject(client, paid);
      INFO(injected.status().to_string());
      REQUIRE(injected.ok());
      CHECK(pool_ids(client) == std::vector<std::string>{paid_id});
    });
    node.kill(SIGKILL);  // no clean shutdown: the admission must already be on disk
  }
  // While the node is down, entries it can no longer accept are planted beside the good one, as a crash could
  // leave them: a second spend of the same genesis output, and a spend of an output that does not exist.
  const coin::Transaction double_spend = chain.pay_bob(2'000 * coin::k_droplets_per_coin);
  coin::UxOut unknown = chain.genesis_output();
  unknown.body.hours += 1;  // another output id
  const coin::Transaction spends_unknown =
      chain.spend({unknown}, {chain.alice}, {{chain.bob_address, unknown.body.coins, 0}});
  {
    auto store = chain::ChainStore::open(store_dir);
    store->put_pool_transaction(coin::transaction_id(double_spend), 100, double_spend);
    store->put_pool_transaction(coin::transaction_id(spends_unknown), 101, spends_unknown);
    REQUIRE(store->pool_transactions().size() == 3);
  }
  {
    ChildProcess node("skymesh-chain", files.args("a", true));
    REQUIRE(!node.endpoint().empty());
    ClientBus bus;  // one per run: a reactor that finished its run stops its nodes
    bus.run([&]() {
      auto client = bus.client(node.endpoint());
      CHECK(pool_ids(client) == std::vector<std::string>{paid_id});
      auto before = status(client);
      REQUIRE(before.ok());
      CHECK(before->get().getPoolSize() == 1);
      auto made = make_block(client, chain.genesis.timestamp + 3600);
      INFO(made.status().to_string());
      REQUIRE(made.ok());
      CHECK(made->get().getSeq() == 1);
      CHECK(made->get().getTransactions() == 1);
      auto confirmed = client.call<ChainTransactionRequest, ChainTransactionReply>(
          "chain.transaction", [&paid](ChainTransactionRequest::Builder r) {
            const coin::Sha256 id = coin::transaction_id(paid);
            r.setId(data_of(id.view()));
          });
      REQUIRE(confirmed.ok());
      CHECK(confirmed->get().getConfirmed());
      CHECK(confirmed->get().getBlockSeq() == 1);
      CHECK(pool_ids(client).empty());
    });
    node.kill(SIGKILL);
  }
  // The dropped and the confirmed transactions are gone from the store as well, and stay gone.
  CHECK(stored_pool(store_dir).empty());
  ChildProcess node("skymesh-chain", files.args("a", true));
  REQUIRE(!node.endpoint().empty());
  ClientBus bus;
  bus.run([&]() {
    auto client = bus.client(node.endpoint());
    CHECK(pool_ids(client).empty());
    auto after = status(client);
    REQUIRE(after.ok());
    CHECK(after->get().getHeadSeq() == 1);
  });
}

TEST_CASE("a pool transaction whose input a block spent while the node was down is dropped at start") {
  NodeFiles files;
  ChainFixture& chain = files.chain;
  const std::filesystem::path store_dir = files.dir.path() / "a" / "chain";
  const coin::Transaction paid = chain.pay_bob();
  {
    ChildProcess node("skymesh-chain", files.args("a", true));
    REQUIRE(!node.endpoint().empty());
    ClientBus bus;  // one per run: a reactor that finished its run stops its nodes
    bus.run([&]() {
      auto client = bus.client(node.endpoint());
      REQUIRE(inject(client, paid).ok());
      REQUIRE(make_block(client, chain.genesis.timestamp + 3600).ok());
      CHECK(pool_ids(client).empty());
    });
    node.kill(SIGKILL);
  }
  {
    // The block is committed but the pool still holds what it confirmed: a crash between the two writes.
    auto store = chain::ChainStore::open(store_dir);
    store->put_pool_transaction(coin::transaction_id(paid), 7, paid);
  }
  ChildProcess node("skymesh-chain", files.args("a", true));
  REQUIRE(!node.endpoint().empty());
  ClientBus bus;
  bus.run([&]() {
    auto client = bus.client(node.endpoint());
    CHECK(pool_ids(client).empty());
    auto tx = client.call<ChainTransactionRequest, ChainTransactionReply>(
        "chain.transaction", [&paid](ChainTransactionRequest::Builder r) {
          const coin::Sha256 id = coin::transaction_id(paid);
          r.setId(data_of(id.view()));
        });
    REQUIRE(tx.ok());
    CHECK(tx->get().getConfirmed());
  });
  node.kill(SIGKILL);
  CHECK(stored_pool(store_dir).empty());
}
