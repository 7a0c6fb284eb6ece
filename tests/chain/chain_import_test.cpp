// `skymesh-chain --import` as a separate process: mainnet 0-180 imported with the head printed; a broken block
// named with its rule and a non-zero exit; a kill -9 in the middle of a long import, then a restart, ends in the
// same state as an uninterrupted import.
#include <fstream>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "chain_store.hpp"
#include "child_process.hpp"
#include "synthetic_chain.hpp"
#include "temp_dir.hpp"
#include "vectors.hpp"

using namespace skymesh;
using test::Command;

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out);
}

std::set<std::string> unspent_ids(const std::vector<coin::UxOut>& outputs) {
  std::set<std::string> ids;
  for (const coin::UxOut& ux : outputs) ids.insert(coin::ux_id(ux).hex());
  return ids;
}

}  // namespace

TEST_CASE("skymesh-chain --import of mainnet 0-180 prints the head seq and hash") {
  SKYMESH_REQUIRE_VECTORS(vectors);
  test::TempDir data("chain-import");
  Command import("skymesh-chain",
                 {"--data", data.path().string(), "--import", (vectors / "chain" / "blocks-all.golden").string()});
  const int code = import.finish();
  INFO(import.output());
  REQUIRE(code == 0);
  CHECK(import.output().find("imported 181 skipped 0\n") != std::string::npos);
  // Block 180's hash, as blocks-all.golden prints it.
  const test::Json golden = test::load_json(vectors / "chain" / "blocks-all.golden");
  const std::string head_hash = golden["blocks"].as_array().back()["header"]["block_hash"].as_string();
  CHECK(import.output().find("head 180 " + head_hash + "\n") != std::string::npos);

  Command again("skymesh-chain",
                {"--data", data.path().string(), "--import", (vectors / "chain" / "blocks-all.golden").string()});
  REQUIRE(again.finish() == 0);
  CHECK(again.output().find("imported 0 skipped 181\n") != std::string::npos);
}

TEST_CASE("skymesh-chain --import stops at a broken block, naming it and the rule, and exits non-zero") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  auto blocks = test::synthetic_chain(ctx, network, 5);
  // Block 3's transaction signed by the wrong key: signature_not_owner.
  const coin::Transaction& original = blocks[3].transactions[0];
  coin::Transaction forged = original;
  const cipher::SecretKey wrong[] = {network.block_key};
  coin::sign_inputs(ctx, forged, wrong);
  blocks[3].transactions[0] = forged;
  blocks[3].header.body_hash = coin::body_hash(blocks[3].transactions);
  test::TempDir data("chain-import-bad");
  write_file(data.path() / "net.toml", network.toml());
  write_file(data.path() / "blocks.json", test::to_api_json(blocks));
  Command import("skymesh-chain", {"--data", data.path().string(), "--genesis", (data.path() / "net.toml").string(),
                                   "--import", (data.path() / "blocks.json").string()});
  CHECK(import.finish() == 1);
  INFO(import.output());
  CHECK(import.output().find("error: block 3 (" + coin::block_hash(blocks[3].header).hex() +
                             "): 41 signature_not_owner") != std::string::npos);

  Command no_file("skymesh-chain", {"--data", data.path().string(), "--import", (data.path() / "none").string()});
  CHECK(no_file.finish() == 1);
  CHECK(no_file.output().find("error: cannot read") != std::string::npos);
  write_file(data.path() / "cut.json", test::to_api_json(blocks).substr(0, 700));
  Command cut("skymesh-chain", {"--data", data.path().string(), "--import", (data.path() / "cut.json").string()});
  CHECK(cut.finish() == 1);
  CHECK(cut.output().find("error: blocks file is not JSON") != std::string::npos);
}

TEST_CASE("a kill -9 in the middle of a long import, then a restart, gives the state of an uninterrupted import") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  const size_t count = 600;
  const auto blocks = test::synthetic_chain(ctx, network, count);
  test::TempDir work("chain-kill");
  write_file(work.path() / "net.toml", network.toml());
  write_file(work.path() / "blocks.json", test::to_api_json(blocks));
  auto import_args = [&work](const std::string& dir) {
    return std::vector<std::string>{"--data",    (work.path() / dir).string(),
                                    "--genesis", (work.path() / "net.toml").string(),
                                    "--import",  (work.path() / "blocks.json").string()};
  };
  {
    Command whole("skymesh-chain", import_args("whole"));
    INFO(whole.output());
    REQUIRE(whole.finish() == 0);
  }
  {
    Command interrupted("skymesh-chain", import_args("killed"));
    // Wait for proof of progress, then kill without warning in the middle of the writes.
    std::optional<std::string> line;
    while ((line = interrupted.line()) && line->rfind("progress 200", 0) != 0) {
    }
    REQUIRE(line);
    interrupted.kill(SIGKILL);
  }
  {
    // The killed store opens in a consistent state: a head somewhere in the chain, equal to the original block.
    auto store = chain::ChainStore::open(work.path() / "killed" / "chain");
    REQUIRE(store->head());
    CHECK(store->head()->seq >= 200);
    CHECK(store->head()->seq < count - 1);
    CHECK(*store->head() == blocks[store->head()->seq].header);
  }
  Command resumed("skymesh-chain", import_args("killed"));
  REQUIRE(resumed.finish() == 0);
  CHECK(resumed.output().find("head " + std::to_string(count - 1) + " ") != std::string::npos);

  auto whole = chain::ChainStore::open(work.path() / "whole" / "chain");
  auto killed = chain::ChainStore::open(work.path() / "killed" / "chain");
  CHECK(*whole->head() == *killed->head());
  CHECK(whole->ux_hash() == killed->ux_hash());
  CHECK(whole->unspent_count() == killed->unspent_count());
  CHECK(unspent_ids(whole->all_unspent()) == unspent_ids(killed->all_unspent()));
  CHECK(unspent_ids(whole->outputs_of(network.genesis_address)) ==
        unspent_ids(killed->outputs_of(network.genesis_address)));
  for (uint64_t seq = 0; seq < count; seq += 97) {
    CHECK(killed->block_hash_at(seq) == whole->block_hash_at(seq));
    const coin::Sha256 txid = coin::transaction_id(blocks[seq].transactions[0]);
    CHECK(killed->object(txid) == whole->object(txid));
  }
}
