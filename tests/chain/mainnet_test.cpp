// Skycoin mainnet blocks 0-180 (Skycoin's node-API golden files): every transaction and block re-encodes to the
// published ids and hashes, the encoded transactions round-trip byte for byte, and the whole chain replays
// through the unspent set under every hard rule (each signature recovered) with the verbose API's inputs and fees.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>

#include "chain_vectors.hpp"
#include "vectors.hpp"

namespace {

using namespace skymesh;
using skymesh::test::Json;

const Json& mainnet_blocks(const std::filesystem::path& dir, const char* file) {
  static std::map<std::string, Json> cache;
  auto it = cache.find(file);
  if (it == cache.end()) it = cache.emplace(file, test::load_json(dir / "chain" / file)).first;
  return it->second["blocks"];
}

}  // namespace

TEST_CASE("every mainnet transaction and block of blocks 0-180 re-encodes to its published ids and hashes") {
  SKYMESH_REQUIRE_VECTORS(dir);
  const auto& blocks = mainnet_blocks(dir, "blocks-all.golden").as_array();
  REQUIRE(blocks.size() == 181);
  std::size_t transactions = 0;
  std::size_t outputs = 0;
  for (const Json& json : blocks) {
    const coin::Block block = test::block_from_json(json);
    const uint64_t seq = block.header.seq;
    INFO("block " << seq);
    CHECK(coin::block_hash(block.header).hex() == json["header"]["block_hash"].as_string());
    CHECK(coin::body_hash(block.transactions) == block.header.body_hash);
    CHECK(coin::block_size(block) == (seq == 0 ? 86 : json["size"].as_uint()));
    const auto& txns = json["body"]["txns"].as_array();
    for (std::size_t i = 0; i < block.transactions.size(); ++i) {
      const coin::Transaction& tx = block.transactions[i];
      const coin::Sha256 txid = coin::transaction_id(tx);
      CHECK(txid.hex() == txns[i]["txid"].as_string());
      if (seq != 0) {  // the genesis transaction keeps Length 0 and a zero InnerHash
        CHECK(coin::compute_inner_hash(tx) == tx.inner_hash);
        CHECK(coin::encoded_size(tx) == tx.length);
      }
      const coin::Bytes encoded = coin::encode(tx);
      auto decoded = coin::decode_transaction(encoded);
      REQUIRE(decoded.ok());
      CHECK(decoded.value() == tx);
      const auto& json_outputs = txns[i]["outputs"].as_array();
      for (std::size_t k = 0; k < tx.outputs.size(); ++k) {
        const coin::Sha256 source = seq == 0 ? coin::Sha256{} : txid;
        CHECK(coin::output_id(source, tx.outputs[k]).hex() == json_outputs[k]["uxid"].as_string());
        ++outputs;
      }
      ++transactions;
    }
    auto round_trip = coin::decode_block(coin::encode(block));
    REQUIRE(round_trip.ok());
    CHECK(round_trip.value() == block);
  }
  CHECK(transactions == 181);
  CHECK(outputs > 181);
}

TEST_CASE("Skycoin's encoded mainnet transactions decode, re-encode byte for byte and match their JSON") {
  SKYMESH_REQUIRE_VECTORS(dir);
  const auto& blocks = mainnet_blocks(dir, "blocks-all.golden").as_array();
  struct Case {
    const char* encoded_file;
    const char* json_file;  // nullptr: the transaction is in blocks-all.golden at block_seq
  };
  const Case cases[] = {{"transaction-encoded.golden", "transaction-block-517.golden"},
                        {"transaction-encoded-block-101.golden", nullptr},
                        {"transaction-encoded-block-105.golden", nullptr},
                        {"genesis-transaction-encoded.golden", "genesis-transaction.golden"}};
  for (const Case& c : cases) {
    INFO(c.encoded_file);
    const Json encoded_json = test::load_json(dir / "chain" / c.encoded_file);
    const coin::Bytes raw = cipher::from_hex(encoded_json["encoded_transaction"].as_string());
    auto tx = coin::decode_transaction(raw);
    REQUIRE(tx.ok());
    CHECK(coin::encode(tx.value()) == raw);
    const uint64_t seq = encoded_json["status"]["block_seq"].as_uint();
    const Json expected = c.json_file ? test::load_json(dir / "chain" / c.json_file)["txn"]
                                      : blocks.at(seq)["body"]["txns"].as_array().at(0);
    CHECK(tx.value() == test::transaction_from_json(expected));
    CHECK(coin::transaction_id(tx.value()).hex() == expected["txid"].as_string());
  }
}

TEST_CASE("the mainnet genesis block is rebuilt from its address, coin volume and timestamp") {
  SKYMESH_REQUIRE_VECTORS(dir);
  const Json genesis_json = test::load_json(dir / "chain" / "block-hash-genesis.golden");
  const coin::Block genesis = coin::make_genesis_block(coin::mainnet_genesis());
  CHECK(coin::block_hash(genesis.header).hex() == genesis_json["header"]["block_hash"].as_string());
  CHECK(genesis == test::block_from_json(genesis_json));
  // Another timestamp is another network.
  coin::GenesisParams other = coin::mainnet_genesis();
  other.timestamp += 1;
  CHECK(coin::block_hash(coin::make_genesis_block(other).header).hex() !=
        genesis_json["header"]["block_hash"].as_string());
}

TEST_CASE("replaying mainnet blocks 0-180 under every hard rule agrees with the verbose API") {
  SKYMESH_REQUIRE_VECTORS(dir);
  cipher::Secp256k1 ctx;
  const auto& blocks = mainnet_blocks(dir, "blocks-verbose-all.golden").as_array();
  REQUIRE(blocks.size() == 181);
  coin::Ledger ledger(coin::mainnet_genesis());
  std::size_t inputs_checked = 0;
  for (const Json& json : blocks) {
    const coin::Block block = test::block_from_json(json);
    INFO("block " << block.header.seq);
    const auto& txns = json["body"]["txns"].as_array();
    // The verbose inputs describe the outputs as they sit in the unspent set before the block, with their coin
    // hours at the previous block's time: the head time every rule uses.
    for (std::size_t i = 0; i < block.transactions.size(); ++i) {
      const auto& inputs = txns[i]["inputs"].as_array();
      for (std::size_t k = 0; k < inputs.size(); ++k) {
        auto ux = ledger.unspent().find_unspent(block.transactions[i].inputs[k]);
        REQUIRE(ux.has_value());
        CHECK(ux->body.address.to_base58() == inputs[k]["owner"].as_string());
        CHECK(coin::format_droplets(ux->body.coins) == inputs[k]["coins"].as_string());
        CHECK(ux->body.hours == inputs[k]["hours"].as_uint());
        CHECK(ux->body.source_transaction.hex() == inputs[k]["src_txid"].as_string());
        CHECK(coin::coin_hours(*ux, ledger.head()->time).value() == inputs[k]["calculated_hours"].as_uint());
        ++inputs_checked;
      }
    }
    auto effect = ledger.apply_block(ctx, block);
    INFO((effect ? std::string() : effect.fault().to_string()));
    REQUIRE(effect.ok());
    CHECK(effect->fee == block.header.fee);
    for (std::size_t i = 0; i < block.transactions.size(); ++i) {
      CHECK(effect->fees[i] == txns[i]["fee"].as_uint());
    }
    CHECK(coin::block_hash(*ledger.head()).hex() == json["header"]["block_hash"].as_string());
  }
  CHECK(ledger.head()->seq == 180);
  CHECK(inputs_checked >= 180);
  // Every coin is still somewhere: the supply is conserved across 180 blocks.
  uint64_t total = 0;
  for (const auto& [id, ux] : ledger.unspent().all()) total += ux.body.coins;
  CHECK(total == coin::k_max_droplet_supply);
}

TEST_CASE("a mainnet block with any header field or signature changed is refused") {
  SKYMESH_REQUIRE_VECTORS(dir);
  cipher::Secp256k1 ctx;
  const auto& blocks = mainnet_blocks(dir, "blocks-all.golden").as_array();
  coin::Ledger ledger(coin::mainnet_genesis());
  for (std::size_t seq = 0; seq < 10; ++seq) REQUIRE(ledger.apply_block(ctx, test::block_from_json(blocks[seq])).ok());
  const coin::Block next = test::block_from_json(blocks[10]);
  REQUIRE(coin::check_block(ctx, ledger.unspent(), ledger.head(), next).ok());

  coin::Block bad = next;
  bad.header.ux_hash.bytes()[0] ^= 1;
  CHECK(coin::check_block(ctx, ledger.unspent(), ledger.head(), bad).error() == coin::CoinError::ux_hash_mismatch);
  bad = next;
  bad.transactions[0].sigs[0].bytes()[5] ^= 1;
  bad.header.body_hash = coin::body_hash(bad.transactions);
  auto refused = coin::check_block(ctx, ledger.unspent(), ledger.head(), bad);
  REQUIRE(!refused.ok());
  CHECK((refused.error() == coin::CoinError::signature_not_owner ||
         refused.error() == coin::CoinError::invalid_signature));
  // The mainnet genesis is refused as the first block of another network.
  coin::GenesisParams other = coin::mainnet_genesis();
  other.coins -= 1;
  coin::Ledger other_network(other);
  CHECK(other_network.apply_block(ctx, test::block_from_json(blocks[0])).error() == coin::CoinError::genesis_mismatch);
}
