// The chain serverlet's storage and import, in process: mainnet blocks 0-180 imported from blocks-all.golden
// through the production JSON reader into LMDB, every id found again and the unspent set equal to the coin
// library's in-memory replay; restarts keep the state; malformed files, truncated blocks and broken rules are
// refused naming the block and the rule; network files are read with Skycoin's key names.
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "block_json.hpp"
#include "chain_fixture.hpp"
#include "chain_store.hpp"
#include "chain_vectors.hpp"
#include "importer.hpp"
#include "network.hpp"
#include "synthetic_chain.hpp"
#include "temp_dir.hpp"
#include "vectors.hpp"

using namespace skymesh;
using chain::ChainStore;

namespace {

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  REQUIRE(in);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::set<std::string> unspent_ids(const std::vector<coin::UxOut>& outputs) {
  std::set<std::string> ids;
  for (const coin::UxOut& ux : outputs) ids.insert(coin::ux_id(ux).hex());
  return ids;
}

}  // namespace

TEST_CASE("importing mainnet blocks 0-180 reproduces every block hash, transaction id and output id") {
  SKYMESH_REQUIRE_VECTORS(dir);
  const cipher::Secp256k1 ctx;
  const std::string json = read_text(dir / "chain" / "blocks-all.golden");
  auto blocks = chain::read_api_blocks(json);
  REQUIRE(blocks.ok());
  REQUIRE(blocks->size() == 181);
  test::TempDir data("chain-store");
  auto store = ChainStore::open(data.path());
  auto report = chain::import_blocks(ctx, *store, chain::mainnet_network(ctx), blocks.value());
  INFO(report.status().to_string());
  REQUIRE(report.ok());
  CHECK(report->imported == 181);
  REQUIRE(store->head());
  CHECK(store->head()->seq == 180);

  // Independently of the production reader: the test JSON reader and the in-memory Ledger.
  const test::Json golden = test::load_json(dir / "chain" / "blocks-all.golden");
  coin::Ledger ledger(coin::mainnet_genesis());
  size_t transactions = 0, outputs = 0;
  for (const test::Json& block_json : golden["blocks"].as_array()) {
    const coin::Block block = test::block_from_json(block_json);
    REQUIRE(ledger.apply_block(ctx, block).ok());
    const uint64_t seq = block.header.seq;
    const std::string hash = block_json["header"]["block_hash"].as_string();
    REQUIRE(store->block_hash_at(seq));
    CHECK(store->block_hash_at(seq)->hex() == hash);
    auto stored = store->block_by_hash(coin::Sha256::from_hex(hash));
    REQUIRE(stored);
    CHECK(*stored == block);
    CHECK(store->object(coin::Sha256::from_hex(hash)) == coin::encode(block));
    for (const test::Json& tx : block_json["body"]["txns"].as_array()) {
      const auto txid = coin::Sha256::from_hex(tx["txid"].as_string());
      auto location = store->transaction_location(txid);
      REQUIRE(location);
      CHECK(location->block_seq == seq);
      REQUIRE(store->transaction(txid));
      CHECK(coin::transaction_id(*store->transaction(txid)) == txid);
      ++transactions;
      for (const test::Json& out : tx["outputs"].as_array()) {
        auto object = store->object(coin::Sha256::from_hex(out["uxid"].as_string()));
        REQUIRE(object);
        auto ux = coin::decode_ux_out(*object);
        REQUIRE(ux.ok());
        CHECK(coin::ux_id(ux.value()).hex() == out["uxid"].as_string());
        ++outputs;
      }
    }
  }
  CHECK(transactions >= 181);
  CHECK(outputs > transactions);
  CHECK(store->ux_hash() == ledger.unspent().ux_hash());
  CHECK(store->unspent_count() == ledger.unspent().size());
  std::vector<coin::UxOut> expected;
  for (const auto& [id, ux] : ledger.unspent().all()) expected.push_back(ux);
  CHECK(unspent_ids(store->all_unspent()) == unspent_ids(expected));
  // The address index agrees with a scan of the in-memory set for every address holding outputs.
  std::set<std::string> addresses;
  for (const coin::UxOut& ux : expected) addresses.insert(ux.body.address.to_base58());
  for (const std::string& address : addresses) {
    const auto a = cipher::Address::from_base58(address);
    CHECK(unspent_ids(store->outputs_of(a)) == unspent_ids(ledger.unspent().outputs_of(a)));
  }
}

TEST_CASE("a reopened store holds the same head, unspent set and index, and an import resumes past it") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  const auto blocks = test::synthetic_chain(ctx, network, 30);
  auto api = chain::read_api_blocks(test::to_api_json(blocks));
  REQUIRE(api.ok());
  const chain::Network net{"test", network.genesis, network.block_public, {}};
  test::TempDir data("chain-reopen");
  const std::vector<chain::ApiBlock> first(api->begin(), api->begin() + 20);
  {
    auto store = ChainStore::open(data.path());
    REQUIRE(chain::import_blocks(ctx, *store, net, first).ok());
    CHECK(store->head()->seq == 19);
  }
  auto store = ChainStore::open(data.path());
  REQUIRE(store->head());
  CHECK(store->head()->seq == 19);
  CHECK(*store->head() == blocks[19].header);
  auto report = chain::import_blocks(ctx, *store, net, api.value());
  REQUIRE(report.ok());
  CHECK(report->skipped == 20);
  CHECK(report->imported == 10);
  coin::Ledger ledger(network.genesis);
  for (const coin::Block& block : blocks) REQUIRE(ledger.apply_block(ctx, block).ok());
  CHECK(store->ux_hash() == ledger.unspent().ux_hash());
  CHECK(unspent_ids(store->outputs_of(network.genesis_address)) ==
        unspent_ids(ledger.unspent().outputs_of(network.genesis_address)));
}

TEST_CASE("a second open of the same store folder is refused") {
  test::TempDir data("chain-lock");
  auto store = ChainStore::open(data.path());
  CHECK_THROWS_AS(ChainStore::open(data.path()), chain::StoreError);
}

TEST_CASE("an import stops at the first block that breaks a rule, naming the block and the rule") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  auto blocks = test::synthetic_chain(ctx, network, 6);
  const chain::Network net{"test", network.genesis, network.block_public, {}};
  // Block 4 spends an output that does not exist; its ids in the file are made consistent, so only the rule fails.
  blocks[4].transactions[0].inputs[0] = coin::Sha256::from_hex(std::string(64, 'a'));
  coin::update_header(blocks[4].transactions[0]);
  blocks[4].header.body_hash = coin::body_hash(blocks[4].transactions);
  auto api = chain::read_api_blocks(test::to_api_json(blocks));
  REQUIRE(api.ok());
  test::TempDir data("chain-rule");
  auto store = ChainStore::open(data.path());
  auto report = chain::import_blocks(ctx, *store, net, api.value());
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == bus::ErrorCode::failed_precondition);
  CHECK(report.status().message().find("block 4 (") == 0);
  CHECK(report.status().message().find("40 input_not_found") != std::string::npos);
  CHECK(store->head()->seq == 3);  // nothing of block 4 written
}

TEST_CASE("an import refuses a file whose ids do not match its blocks") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  std::string json = test::to_api_json(test::synthetic_chain(ctx, network, 3));
  const std::string hours = "\"hours\":0";
  const size_t at = json.rfind(hours);
  REQUIRE(at != std::string::npos);
  json.replace(at, hours.size(), "\"hours\":1");  // changes the last transaction, not its claimed ids
  auto api = chain::read_api_blocks(json);
  REQUIRE(api.ok());
  test::TempDir data("chain-ids");
  auto store = ChainStore::open(data.path());
  auto report = chain::import_blocks(ctx, *store, {"test", network.genesis, network.block_public, {}}, api.value());
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == bus::ErrorCode::bad_request);
  CHECK(report.status().message().find("block 2: transaction 0 id is") == 0);
}

TEST_CASE("malformed blocks files are refused with the block and field named") {
  CHECK(chain::read_api_blocks("").status().message().find("not JSON") != std::string::npos);
  CHECK(chain::read_api_blocks("{\"blocks\":[{\"header\":").status().message().find("not JSON") != std::string::npos);
  CHECK(chain::read_api_blocks("[]").status().message().find("`blocks` array") != std::string::npos);
  CHECK(chain::read_api_blocks("{\"blocks\":[{}]}").status().message() == "blocks file: block 0: missing `header`");
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  const std::string good = test::to_api_json(test::synthetic_chain(ctx, network, 2));
  REQUIRE(chain::read_api_blocks(good).ok());
  // A truncated file (a block cut in the middle) is not JSON.
  for (size_t cut : {good.size() / 3, good.size() / 2, good.size() - 2}) {
    auto result = chain::read_api_blocks(good.substr(0, cut));
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == bus::ErrorCode::bad_request);
  }
  auto replace = [&good](const std::string& from, const std::string& to) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    return chain::read_api_blocks(text).status().message();
  };
  CHECK(replace("\"seq\":0", "\"seq\":-1").find("`seq` must be a whole number") != std::string::npos);
  CHECK(replace("\"seq\":0", "\"seq\":1e30").find("`seq` must be a whole number") != std::string::npos);
  CHECK(replace("\"type\":0", "\"type\":300").find("block 0: transaction 0: `type` is above 255") != std::string::npos);
  CHECK(replace(".000000\"", ".0000001\"").find("`coins` is not a coin amount") != std::string::npos);
  CHECK(replace("\"dst\":\"", "\"dst\":\"x").find("`dst`") != std::string::npos);
  CHECK(replace("\"inner_hash\":\"", "\"inner_hash\":\"ab").find("`inner_hash`") != std::string::npos);
}

TEST_CASE("truncated block bytes are refused by the store's decoder, never read past") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  const auto blocks = test::synthetic_chain(ctx, network, 2);
  const coin::Bytes bytes = coin::encode(blocks[1]);
  for (size_t n = 0; n < bytes.size(); n += 7) {
    auto decoded = coin::decode_block(coin::ByteView(bytes.data(), n));
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error() == coin::CoinError::truncated);
  }
}

TEST_CASE("droplet amounts are read exactly") {
  CHECK(chain::parse_droplets("1000000.000000") == 1000000000000ull);
  CHECK(chain::parse_droplets("0.000001") == 1ull);
  CHECK(chain::parse_droplets("12.5") == 12500000ull);
  CHECK(chain::parse_droplets("7") == 7000000ull);
  CHECK_FALSE(chain::parse_droplets("1.0000001"));
  CHECK_FALSE(chain::parse_droplets("1."));
  CHECK_FALSE(chain::parse_droplets(".5"));
  CHECK_FALSE(chain::parse_droplets("-1"));
  CHECK_FALSE(chain::parse_droplets("99999999999999999999"));
}

TEST_CASE("a network file with Skycoin's key names gives the genesis, block-making key and soft rules") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  auto parsed = toml::parse(network.toml() + "unconfirmed_max_decimals = 2\nmax_block_transactions_size = 4096\n");
  REQUIRE(parsed.ok());
  auto net = chain::network_from_toml(ctx, parsed.table(), "test.toml");
  INFO(net.status().to_string());
  REQUIRE(net.ok());
  CHECK(net->genesis.address == network.genesis_address);
  CHECK(net->genesis.coins == network.genesis.coins);
  CHECK(net->genesis.timestamp == network.genesis.timestamp);
  CHECK(net->block_maker == network.block_public);
  CHECK(net->soft.burn_factor == 10);
  CHECK(net->soft.max_droplet_precision == 2);
  CHECK(net->soft.max_block_size == 4096);
  CHECK(coin::block_hash(coin::make_genesis_block(net->genesis).header) ==
        coin::block_hash(test::synthetic_chain(ctx, network, 1)[0].header));

  auto missing = chain::network_from_toml(ctx, toml::parse("genesis_coin_volume = 5\n").table(), "x");
  CHECK(missing.status().message() == "network file: missing `blockchain_pubkey_str`");
  auto wrong = toml::parse(network.toml() + "unconfirmed_burn_factor = 0\n");
  REQUIRE(wrong.ok());
  CHECK(chain::network_from_toml(ctx, wrong.table(), "x").status().message().find("`unconfirmed_burn_factor`") !=
        std::string::npos);
  const chain::Network mainnet = chain::mainnet_network(ctx);
  CHECK(mainnet.genesis.address.to_base58() == "2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6");
  CHECK(coin::block_hash(coin::make_genesis_block(mainnet.genesis).header).hex() ==
        "0551a1e5af999fe8fff529f6f2ab341e1e33db95135eef1b2be44fe6981349f3");
}
