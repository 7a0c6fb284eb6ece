// The chain store's address history index (address_history.cpp): every confirmed transaction that paid an
// address or spent one of its outputs, in chain order, compared with an independent replay of the blocks; pages
// that end on whole blocks; and the index built at open for a store written before it existed.
#include <lmdb.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "chain_store.hpp"
#include "synthetic_chain.hpp"
#include "temp_dir.hpp"

using namespace skymesh;
using chain::ChainStore;

namespace {

using Locations = std::vector<std::pair<uint64_t, uint32_t>>;

// Replays the blocks: for each address (base58), the (seq, index) of every transaction that pays it or spends
// one of its outputs.
std::map<std::string, Locations> expected_history(const std::vector<coin::Block>& blocks) {
  std::map<std::string, coin::Address> owner;  // output id hex -> address
  std::map<std::string, Locations> out;
  for (const coin::Block& block : blocks) {
    for (uint32_t i = 0; i < block.transactions.size(); ++i) {
      const coin::Transaction& tx = block.transactions[i];
      std::set<std::string> touched;
      for (const coin::Sha256& input : tx.inputs) touched.insert(owner.at(input.hex()).to_base58());
      for (const coin::UxOut& ux : coin::create_unspents(block.header, tx)) {
        owner.emplace(coin::ux_id(ux).hex(), ux.body.address);
        touched.insert(ux.body.address.to_base58());
      }
      for (const std::string& address : touched) out[address].emplace_back(block.header.seq, i);
    }
  }
  return out;
}

Locations history(const ChainStore& store, const std::string& address, uint64_t from = 0, size_t limit = 100000) {
  Locations out;
  for (const chain::TxLocation& at : store.history_of(cipher::Address::from_base58(address), from, limit)) {
    out.emplace_back(at.block_seq, at.index);
  }
  return out;
}

void apply_all(const cipher::Secp256k1& ctx, ChainStore& store, const test::TestNetwork& network,
               const std::vector<coin::Block>& blocks) {
  for (const coin::Block& block : blocks) {
    auto applied = store.apply_block(ctx, block, std::nullopt, network.genesis);
    INFO(block.header.seq);
    REQUIRE(applied);
  }
}

// Empties the history database and forgets that it was built, as in a store written before the index existed.
void drop_history_index(const std::filesystem::path& dir) {
  MDB_env* env = nullptr;
  REQUIRE(mdb_env_create(&env) == MDB_SUCCESS);
  REQUIRE(mdb_env_set_maxdbs(env, 16) == MDB_SUCCESS);
  REQUIRE(mdb_env_set_mapsize(env, size_t{1} << 36) == MDB_SUCCESS);
  REQUIRE(mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0644) == MDB_SUCCESS);
  MDB_txn* txn = nullptr;
  REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == MDB_SUCCESS);
  MDB_dbi history = 0, meta = 0;
  REQUIRE(mdb_dbi_open(txn, "history", MDB_DUPSORT, &history) == MDB_SUCCESS);
  REQUIRE(mdb_dbi_open(txn, "meta", 0, &meta) == MDB_SUCCESS);
  REQUIRE(mdb_drop(txn, history, 0) == MDB_SUCCESS);
  std::string key = "history_index";
  MDB_val k{key.size(), key.data()};
  REQUIRE(mdb_del(txn, meta, &k, nullptr) == MDB_SUCCESS);
  REQUIRE(mdb_txn_commit(txn) == MDB_SUCCESS);
  mdb_env_close(env);
}

}  // namespace

TEST_CASE("the address history names every transaction that paid or spent from an address, in chain order") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  const auto blocks = test::synthetic_chain(ctx, network, 40);
  test::TempDir data("chain-history");
  auto store = ChainStore::open(data.path());
  apply_all(ctx, *store, network, blocks);

  const auto expected = expected_history(blocks);
  REQUIRE(expected.size() >= 3);
  for (const auto& [address, locations] : expected) {
    INFO(address);
    CHECK(history(*store, address) == locations);
  }
  // The genesis key owns the change of every block's one transaction: its address is in each block.
  const Locations genesis = history(*store, network.genesis_address.to_base58());
  REQUIRE(genesis.size() == blocks.size());
  for (uint64_t seq = 0; seq < blocks.size(); ++seq) CHECK(genesis[seq] == std::make_pair(seq, uint32_t{0}));
  CHECK(history(*store, "2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6").empty());

  // Pages from a block on, past the limit only to the end of a block, add up to the whole.
  for (const auto& [address, locations] : expected) {
    Locations paged;
    uint64_t from = 0;
    for (;;) {
      const Locations page = history(*store, address, from, 3);
      if (page.empty()) break;
      CHECK(page.front().first >= from);
      paged.insert(paged.end(), page.begin(), page.end());
      from = page.back().first + 1;
    }
    CHECK(paged == locations);
  }
}

TEST_CASE("a store written before the history index gets it built when opened") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  const auto blocks = test::synthetic_chain(ctx, network, 25);
  test::TempDir data("chain-history-build");
  {
    auto store = ChainStore::open(data.path());
    apply_all(ctx, *store, network, blocks);
  }
  drop_history_index(data.path());
  {
    auto store = ChainStore::open(data.path());
    CHECK(history(*store, network.genesis_address.to_base58()).size() == blocks.size());
    for (const auto& [address, locations] : expected_history(blocks)) {
      INFO(address);
      CHECK(history(*store, address) == locations);
    }
  }
}
