// Signatures recovered ahead of the rules (coin/signers.hpp, on SignatureWorkers) and blocks checked while the
// block before is still being written (BlockPipeline::submit) change the cost of validation, never its outcome:
// the owners are the ones the rules recover themselves, a chain applied or submitted through BlockPipeline ends
// in the same state as one applied block by block, and a forged signature is refused with the same code and
// message.
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include "block_pipeline.hpp"
#include "signature_workers.hpp"
#include "synthetic_chain.hpp"
#include "temp_dir.hpp"

using namespace skymesh;

namespace {

std::vector<coin::Transaction> all_transactions(const std::vector<coin::Block>& blocks) {
  std::vector<coin::Transaction> txs;
  for (const coin::Block& block : blocks) txs.insert(txs.end(), block.transactions.begin(), block.transactions.end());
  return txs;
}

}  // namespace

TEST_CASE("signatures recovered on the workers name the owners the rules recover themselves") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  const std::vector<coin::Transaction> txs = all_transactions(test::synthetic_chain(ctx, network, 40));
  chain::SignatureWorkers workers(2);
  const coin::RecoveredSigners signers = workers.recover(ctx, txs);
  size_t signatures = 0;
  for (const coin::Transaction& tx : txs) {
    signatures += tx.sigs.size();
    auto alone = coin::check_transaction_form(ctx, tx);
    auto ahead = coin::check_transaction_form(ctx, tx, &signers);
    REQUIRE(alone.ok() == ahead.ok());
    if (alone) CHECK(alone.value() == ahead.value());
  }
  CHECK(signers.size() == signatures);
  CHECK(signatures > 30);
  CHECK(workers.recover(ctx, {}).size() == 0);
}

TEST_CASE("a chain applied or submitted through the pipeline ends where block-by-block application ends") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  const std::vector<coin::Block> blocks = test::synthetic_chain(ctx, network, 30);
  const bool submitted = GENERATE(false, true);
  INFO((submitted ? "submit" : "apply"));
  test::TempDir dir("pipeline");
  auto alone = chain::ChainStore::open(dir.path() / "alone");
  auto piped = chain::ChainStore::open(dir.path() / "piped");
  chain::SignatureWorkers workers(2);
  chain::BlockPipeline pipeline(ctx, *piped, workers);
  std::vector<const coin::Block*> order;
  for (const coin::Block& block : blocks) order.push_back(&block);
  for (size_t i = 0; i < blocks.size(); ++i) {
    REQUIRE(alone->apply_block(ctx, blocks[i], std::nullopt, network.genesis).ok());
    // Announce the blocks ahead out of order at times: a recovery for a block that does not come is dropped.
    std::vector<const coin::Block*> upcoming(order.begin() + static_cast<std::ptrdiff_t>(i + 1), order.end());
    if (i % 7 == 3 && upcoming.size() > 1) std::swap(upcoming[0], upcoming[1]);
    auto effect = submitted ? pipeline.submit(blocks[i], std::nullopt, network.genesis, upcoming)
                            : pipeline.apply(blocks[i], std::nullopt, network.genesis, upcoming);
    REQUIRE(effect.ok());
    CHECK(coin::block_hash(*pipeline.head()) == coin::block_hash(blocks[i].header));
  }
  pipeline.flush();
  CHECK(coin::block_hash(*piped->head()) == coin::block_hash(*alone->head()));
  CHECK(piped->ux_hash() == alone->ux_hash());
  CHECK(piped->unspent_count() == alone->unspent_count());
}

TEST_CASE("a forged signature is refused through the pipeline with the code and message of the plain check") {
  const cipher::Secp256k1 ctx;
  const test::TestNetwork network(ctx);
  std::vector<coin::Block> blocks = test::synthetic_chain(ctx, network, 6);
  // Block 5's transaction signed by the block-making key, not the owner's: same digest, another signer.
  coin::Block forged = blocks[5];
  coin::Transaction& tx = forged.transactions[0];
  tx.sigs[0] = cipher::sign(ctx, coin::signed_digest(tx, 0), network.block_key);
  forged.header.body_hash = coin::body_hash(forged.transactions);

  coin::Ledger ledger(network.genesis);
  for (size_t i = 0; i < 5; ++i) REQUIRE(ledger.apply_block(ctx, blocks[i]).ok());
  auto plain = coin::check_block(ctx, ledger.unspent(), ledger.head(), forged, network.genesis);
  REQUIRE(!plain.ok());
  CHECK(plain.fault().code == coin::CoinError::signature_not_owner);

  test::TempDir dir("pipeline-forged");
  auto store = chain::ChainStore::open(dir.path());
  chain::SignatureWorkers workers(2);
  chain::BlockPipeline pipeline(ctx, *store, workers);
  for (size_t i = 0; i < 5; ++i) REQUIRE(pipeline.apply(blocks[i], std::nullopt, network.genesis).ok());
  const coin::Block* next[] = {&forged};
  auto piped = pipeline.apply(forged, std::nullopt, network.genesis, next);
  REQUIRE(!piped.ok());
  CHECK(piped.fault().code == plain.fault().code);
  CHECK(piped.fault().message == plain.fault().message);
  CHECK(store->head()->seq == 4);
  // Submitted right behind block 4 (checked against block 4's effect while block 4 is still being written).
  test::TempDir dir2("pipeline-forged-submitted");
  auto store2 = chain::ChainStore::open(dir2.path());
  chain::BlockPipeline submitting(ctx, *store2, workers);
  for (size_t i = 0; i < 5; ++i) REQUIRE(submitting.submit(blocks[i], std::nullopt, network.genesis).ok());
  auto submitted = submitting.submit(forged, std::nullopt, network.genesis);
  REQUIRE(!submitted.ok());
  CHECK(submitted.fault().message == plain.fault().message);
  CHECK(store2->head()->seq == 4);  // a refusal waits for the write in flight
}
