// The skymesh-chain serverlet as its users see it, each node a separate process reached over tcp loopback:
// chain.inject refuses every rule a single transaction can break with its coin code; a double spend is refused
// across the pool and a block; queries answer from the store; bad input gets a clear error and the node keeps
// serving; two nodes sync over chain.blocks, and one that was killed catches up when it restarts; bad keys and
// network files stop the start; --block-interval makes blocks from the pool.
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../bus/test_options.hpp"
#include "chain_fixture.hpp"
#include "chain_node_support.hpp"
#include "child_process.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/proto/chain.capnp.h"
#include "temp_dir.hpp"

using namespace skymesh;
using namespace skymesh::proto;
using test::ChildProcess;
using namespace skymesh::test;

TEST_CASE("chain.inject refuses each rule a single transaction can break, with the coin rule's code") {
  NodeFiles files;
  test::ChainFixture& chain = files.chain;
  ChildProcess node("skymesh-chain", files.args("a", true));
  REQUIRE(!node.endpoint().empty());
  ClientBus bus;
  bus.run([&]() {
    auto client = bus.client(node.endpoint());
    const coin::UxOut source = chain.genesis_output();
    const uint64_t all = source.body.coins;
    const coin::Bytes good = coin::encode(chain.pay_bob());
    using bus::ErrorCode;
    using coin::Transaction;

    // Bytes that do not decode.
    check_refusal(inject_raw(client, coin::ByteView(good.data(), good.size() - 1)).status(), ErrorCode::bad_request,
                  "1 truncated");
    coin::Bytes longer = good;
    longer.push_back(0);
    check_refusal(inject_raw(client, longer).status(), ErrorCode::bad_request, "2 trailing_bytes");
    coin::Bytes huge(4 + 1 + 32, 0);
    for (uint8_t b : {0x70, 0x11, 0x01, 0x00}) huge.push_back(b);  // 70000 signatures announced
    check_refusal(inject_raw(client, huge).status(), ErrorCode::bad_request, "4 count_too_large");
    CHECK(inject_raw(client, coin::ByteView()).status().code() == ErrorCode::bad_request);

    // Form (bad_request).
    struct Case {
      const char* prefix;
      std::function<Transaction()> make;
      ErrorCode code;
    };
    const std::vector<Case> cases = {
        {"20 no_inputs",
         [&] {
           Transaction tx = chain.pay_bob();
           tx.inputs.clear();
           tx.sigs.clear();
           coin::update_header(tx);
           return tx;
         },
         ErrorCode::bad_request},
        {"21 no_outputs",
         [&] {
           Transaction tx = chain.pay_bob();
           tx.outputs.clear();
           coin::update_header(tx);
           return tx;
         },
         ErrorCode::bad_request},
        {"22 signature_count_mismatch",
         [&] {
           Transaction tx = chain.pay_bob();
           tx.sigs.push_back(tx.sigs[0]);
           coin::update_header(tx);
           return tx;
         },
         ErrorCode::bad_request},
        {"25 duplicate_input",
         [&] {
           return chain.spend({source, source}, {chain.alice, chain.alice}, {{chain.bob_address, all, 1}});
         },
         ErrorCode::bad_request},
        {"26 invalid_type",
         [&] {
           Transaction tx = chain.pay_bob();
           tx.type = 1;
           return tx;
         },
         ErrorCode::bad_request},
        {"27 length_mismatch",
         [&] {
           Transaction tx = chain.pay_bob();
           tx.length += 1;
           return tx;
         },
         ErrorCode::bad_request},
        {"28 duplicate_output",
         [&] {
           const coin::TransactionOutput half{chain.bob_address, all / 2, 1};
           return chain.spend({source}, {chain.alice}, {half, half});
         },
         ErrorCode::bad_request},
        {"29 invalid_signature",
         [&] {
           Transaction tx = chain.pay_bob();
           tx.sigs[0].bytes()[64] = 4;
           return tx;
         },
         ErrorCode::bad_request},
        {"30 zero_coin_output",
         [&] {
           return chain.spend({source}, {chain.alice}, {{chain.bob_address, 0, 1}, {chain.alice_address, all, 1}});
         },
         ErrorCode::bad_request},
        {"31 output_coins_overflow",
         [&] {
           const uint64_t half = uint64_t{1} << 63;
           return chain.spend({source}, {chain.alice}, {{chain.bob_address, half, 1}, {chain.alice_address, half, 1}});
         },
         ErrorCode::bad_request},
        {"32 inner_hash_mismatch",
         [&] {
           Transaction tx = chain.pay_bob();
           tx.outputs[0].hours += 1;
           return tx;
         },
         ErrorCode::bad_request},
        // Against the unspent set (failed_precondition).
        {"40 input_not_found",
         [&] {
           coin::UxOut missing = source;
           missing.body.coins -= 1;
           return chain.spend({missing}, {chain.alice}, {{chain.bob_address, all - 1, 1}});
         },
         ErrorCode::failed_precondition},
        {"41 signature_not_owner",
         [&] {
           return chain.spend({source}, {chain.bob}, {{chain.bob_address, all, 1}});
         },
         ErrorCode::failed_precondition},
        {"43 insufficient_coins",
         [&] {
           return chain.spend({source}, {chain.alice}, {{chain.bob_address, all + 1000, 1}});
         },
         ErrorCode::failed_precondition},
        {"44 coins_destroyed",
         [&] {
           return chain.spend({source}, {chain.alice}, {{chain.bob_address, all - 1000, 1}});
         },
         ErrorCode::failed_precondition},
        {"46 insufficient_hours",
         [&] {
           return chain.spend({source}, {chain.alice}, {{chain.bob_address, all, source.body.hours + 1}});
         },
         ErrorCode::failed_precondition},
        {"47 output_hours_overflow",
         [&] {
           const uint64_t half = uint64_t{1} << 63;
           return chain.spend({source}, {chain.alice},
                              {{chain.bob_address, all / 2, half}, {chain.alice_address, all / 2, half}});
         },
         ErrorCode::failed_precondition},
        // Soft rules (failed_precondition).
        {"80 transaction_too_large",
         [&] {
           std::vector<coin::TransactionOutput> outs;
           for (int i = 0; i < 900; ++i) {
             outs.push_back({cipher::Address::from_secret_key(
                                 chain.ctx, test::ChainFixture::key_from_name(std::to_string(i).c_str())),
                             coin::k_droplets_per_coin, 0});
           }
           outs.push_back({chain.alice_address, all - 900 * coin::k_droplets_per_coin, 0});
           return chain.spend({source}, {chain.alice}, outs);
         },
         ErrorCode::failed_precondition},
        {"81 zero_fee",
         [&] {
           return chain.spend({source}, {chain.alice}, {{chain.bob_address, all, source.body.hours}});
         },
         ErrorCode::failed_precondition},
        {"82 insufficient_fee",
         [&] {
           const uint64_t keep = source.body.hours - source.body.hours / 10 + 1;
           return chain.spend({source}, {chain.alice}, {{chain.bob_address, all, keep}});
         },
         ErrorCode::failed_precondition},
        {"84 droplet_precision",
         [&] {
           return chain.spend({source}, {chain.alice}, {{chain.bob_address, 1, 1}, {chain.alice_address, all - 1, 1}});
         },
         ErrorCode::failed_precondition},
    };
    for (const Case& c : cases) {
      INFO(c.prefix);
      check_refusal(inject(client, c.make()).status(), c.code, c.prefix);
    }
    // None of them entered the pool, and the node still serves.
    auto after = status(client);
    REQUIRE(after.ok());
    CHECK(after->get().getPoolSize() == 0);
    CHECK(inject(client, chain.pay_bob()).ok());
  });
}

TEST_CASE("a double spend is refused across the pool and a block, and queries answer from the store") {
  NodeFiles files;
  test::ChainFixture& chain = files.chain;
  ChildProcess node("skymesh-chain", files.args("a", true));
  REQUIRE(!node.endpoint().empty());
  ClientBus bus;
  bus.run([&]() {
    auto client = bus.client(node.endpoint());
    auto fresh = status(client);
    REQUIRE(fresh.ok());
    CHECK(fresh->get().getHeadSeq() == 0);
    CHECK(hex(fresh->get().getHeadHash()) == coin::block_hash(coin::make_genesis_block(chain.genesis).header).hex());
    CHECK(fresh->get().getUnspentCount() == 1);
    CHECK(fresh->get().getMakesBlocks());
    CHECK(make_block(client, 0).status().message().rfind("68 no_transactions", 0) == 0);

    const coin::Transaction first = chain.pay_bob(1000 * coin::k_droplets_per_coin);
    const coin::Transaction second = chain.pay_bob(2000 * coin::k_droplets_per_coin);
    auto accepted = inject(client, first);
    REQUIRE(accepted.ok());
    CHECK(hex(accepted->get().getId()) == coin::transaction_id(first).hex());
    CHECK(accepted->get().getFee() > 0);
    CHECK(inject(client, first)->get().getAlreadyKnown());
    check_refusal(inject(client, second).status(), bus::ErrorCode::failed_precondition, "double_spend_in_pool");
    auto pool = client.call<ChainPoolRequest, ChainPoolReply>("chain.pool", [](ChainPoolRequest::Builder) {});
    REQUIRE(pool.ok());
    REQUIRE(pool->get().getTransactions().size() == 1);
    CHECK(hex(pool->get().getTransactions()[0].getId()) == coin::transaction_id(first).hex());

    auto made = make_block(client, chain.genesis.timestamp + 3600);
    INFO(made.status().to_string());
    REQUIRE(made.ok());
    CHECK(made->get().getSeq() == 1);
    CHECK(made->get().getTransactions() == 1);
    // Now the block holds the spend: both the other spend and the same one are input_not_found.
    check_refusal(inject(client, second).status(), bus::ErrorCode::failed_precondition, "40 input_not_found");
    check_refusal(inject(client, first).status(), bus::ErrorCode::failed_precondition, "40 input_not_found");
    CHECK(status(client)->get().getPoolSize() == 0);

    auto tx = client.call<ChainTransactionRequest, ChainTransactionReply>(
        "chain.transaction",
        [&](ChainTransactionRequest::Builder r) { r.setId(data_of(coin::transaction_id(first).view())); });
    REQUIRE(tx.ok());
    CHECK(tx->get().getConfirmed());
    CHECK(tx->get().getBlockSeq() == 1);
    CHECK(hex(tx->get().getTransaction().getRaw()) == cipher::to_hex(coin::encode(first)));

    auto outputs = client.call<ChainAddressesRequest, ChainOutputsReply>(
        "chain.outputs",
        [&](ChainAddressesRequest::Builder r) { r.initAddresses(1).set(0, chain.bob_address.to_base58()); });
    REQUIRE(outputs.ok());
    REQUIRE(outputs->get().getOutputs().size() == 1);
    CHECK(outputs->get().getOutputs()[0].getCoins() == 1000 * coin::k_droplets_per_coin);
    CHECK(outputs->get().getOutputs()[0].getHours() == 1000);
    CHECK(outputs->get().getOutputs()[0].getBlockSeq() == 1);
    auto balance =
        client.call<ChainAddressesRequest, ChainBalanceReply>("chain.balance", [&](ChainAddressesRequest::Builder r) {
          auto list = r.initAddresses(2);
          list.set(0, chain.bob_address.to_base58());
          list.set(1, chain.alice_address.to_base58());
        });
    REQUIRE(balance.ok());
    CHECK(balance->get().getCoins() == chain.genesis.coins);
    CHECK(balance->get().getOutputs() == 2);

    auto by_seq =
        client.call<ChainBlockRequest, ChainBlock>("chain.block", [](ChainBlockRequest::Builder r) { r.setSeq(1); });
    REQUIRE(by_seq.ok());
    const std::string hash = hex(made->get().getHash());
    CHECK(hex(by_seq->get().getHash()) == hash);
    CHECK(by_seq->get().getSignature().size() == 65);
    auto by_hash = client.call<ChainBlockRequest, ChainBlock>(
        "chain.block", [&](ChainBlockRequest::Builder r) { r.setHash(data_of(coin::Sha256::from_hex(hash).view())); });
    REQUIRE(by_hash.ok());
    CHECK(hex(by_hash->get().getRaw()) == hex(by_seq->get().getRaw()));
    auto object = client.call<ChainObjectRequest, ChainObjectReply>(
        "chain.object", [&](ChainObjectRequest::Builder r) { r.setId(data_of(coin::Sha256::from_hex(hash).view())); });
    REQUIRE(object.ok());
    CHECK(hex(object->get().getRaw()) == hex(by_seq->get().getRaw()));
    auto range = client.call<ChainBlocksRequest, ChainBlocksReply>("chain.blocks", [](ChainBlocksRequest::Builder r) {
      r.setFrom(0);
      r.setTo(10);
    });
    REQUIRE(range.ok());
    CHECK(range->get().getBlocks().size() == 2);

    // Bad input: a clear error each, and the node keeps serving.
    CHECK(client.call<ChainBlockRequest, ChainBlock>("chain.block", [](ChainBlockRequest::Builder r) { r.setSeq(99); })
              .status()
              .code() == bus::ErrorCode::not_found);
    auto short_id = client.call<ChainObjectRequest, ChainObjectReply>(
        "chain.object", [](ChainObjectRequest::Builder r) { r.initId(5); });
    CHECK(short_id.status().code() == bus::ErrorCode::bad_request);
    CHECK(short_id.status().message().find("id: must be 32 bytes") != std::string::npos);
    auto bad_address = client.call<ChainAddressesRequest, ChainOutputsReply>(
        "chain.outputs", [](ChainAddressesRequest::Builder r) { r.initAddresses(1).set(0, "not-an-address"); });
    CHECK(bad_address.status().code() == bus::ErrorCode::bad_request);
    CHECK(bad_address.status().message().find("addresses[0]") != std::string::npos);
    CHECK(client
              .call<ChainBlocksRequest, ChainBlocksReply>("chain.blocks",
                                                          [](ChainBlocksRequest::Builder r) {
                                                            r.setFrom(5);
                                                            r.setTo(1);
                                                          })
              .status()
              .code() == bus::ErrorCode::bad_request);
    auto still = status(client);
    REQUIRE(still.ok());
    CHECK(still->get().getHeadSeq() == 1);
  });
}

TEST_CASE("two nodes sync over chain.blocks, and a follower that was killed catches up when it restarts") {
  NodeFiles files;
  test::ChainFixture& chain = files.chain;
  ChildProcess maker("skymesh-chain", files.args("maker", true));
  REQUIRE(!maker.endpoint().empty());
  auto follower_args = [&]() {
    auto args = files.args("follower", false);
    args.push_back("--follow");
    args.push_back(maker.endpoint());
    return args;
  };
  ClientBus bus;
  // Makes a block on the maker paying `coins` from alice's newest change output to bob.
  coin::UxOut change = chain.genesis_output();
  uint64_t time = chain.genesis.timestamp;
  auto pay = [&](bus::Client& client) {
    const uint64_t coins = 10 * coin::k_droplets_per_coin;
    // The change was made in the head block: its hours at the head's time are its creation hours.
    const uint64_t keep = change.body.hours - coin::required_fee(change.body.hours, 10) - 1;
    const coin::Transaction tx =
        chain.spend({change}, {chain.alice},
                    {{chain.bob_address, coins, 0}, {chain.alice_address, change.body.coins - coins, keep}});
    REQUIRE(inject(client, tx).ok());
    time += 100;
    auto made = make_block(client, time);
    INFO(made.status().to_string());
    REQUIRE(made.ok());
    change = coin::create_unspents(coin::BlockHeader{0, time, made->get().getSeq(), 0, {}, {}, {}}, tx)[1];
    return made->get().getSeq();
  };
  // Waits until the follower's own chain.blocks topic carries block `seq`, and returns the hash it holds there.
  auto wait_for = [&](bus::Client& follower, uint64_t seq) {
    bus::Subscription blocks(follower, "chain.blocks", seq + 1);
    auto event = blocks.next(std::chrono::milliseconds(10000));
    INFO(event.status().to_string());
    REQUIRE(event.ok());
    return hex(event.value()->payload<ChainBlockEvent>().getHash());
  };
  auto head_hash = [&](bus::Client& client, uint64_t seq) {
    auto block = client.call<ChainBlockRequest, ChainBlock>("chain.block",
                                                            [seq](ChainBlockRequest::Builder r) { r.setSeq(seq); });
    REQUIRE(block.ok());
    return hex(block->get().getHash());
  };
  bus.run([&]() {
    auto a = bus.client(maker.endpoint());
    for (int i = 0; i < 3; ++i) pay(a);
    {
      ChildProcess follower("skymesh-chain", follower_args());
      REQUIRE(!follower.endpoint().empty());
      auto b = bus.client(follower.endpoint());
      CHECK(wait_for(b, 3) == head_hash(a, 3));  // caught up on what existed before it started
      pay(a);
      CHECK(wait_for(b, 4) == head_hash(a, 4));  // then live
      auto follower_status = status(b);
      REQUIRE(follower_status.ok());
      CHECK(!follower_status->get().getMakesBlocks());
      CHECK(hex(follower_status->get().getUxHash()) == hex(status(a)->get().getUxHash()));
      follower.kill(SIGKILL);
    }
    for (int i = 0; i < 3; ++i) pay(a);  // blocks 5..7 while the follower is down
    ChildProcess restarted("skymesh-chain", follower_args());
    REQUIRE(!restarted.endpoint().empty());
    auto b = bus.client(restarted.endpoint());
    CHECK(wait_for(b, 7) == head_hash(a, 7));
    auto after = status(b);
    REQUIRE(after.ok());
    CHECK(after->get().getHeadSeq() == 7);
    CHECK(after->get().getUnspentCount() == status(a)->get().getUnspentCount());
    CHECK(hex(after->get().getUxHash()) == hex(status(a)->get().getUxHash()));
  });
}

TEST_CASE("a block-making key that is not the network's, or a network file that does not parse, stops the start") {
  NodeFiles files;
  {
    std::ofstream key(files.dir.path() / "block.key");
    key << files.chain.alice.hex() << "\n";  // alice's key, not the network's block maker
  }
  ChildProcess wrong_key("skymesh-chain", files.args("a", true));
  CHECK(wrong_key.endpoint().empty());
  CHECK(wrong_key.finish() != 0);
  {
    std::ofstream net(files.dir.path() / "net.toml");
    net << "genesis_address_str = 12\n";
  }
  ChildProcess bad_network("skymesh-chain", files.args("b", false));
  CHECK(bad_network.endpoint().empty());
  CHECK(bad_network.finish() != 0);
}

TEST_CASE("with --block-interval the block maker turns its pool into a block by itself") {
  NodeFiles files;
  auto args = files.args("a", true);
  args.push_back("--block-interval");
  args.push_back("1");
  ChildProcess node("skymesh-chain", args);
  REQUIRE(!node.endpoint().empty());
  ClientBus bus;
  bus.run([&]() {
    auto client = bus.client(node.endpoint());
    const coin::Transaction tx = files.chain.pay_bob();
    REQUIRE(inject(client, tx).ok());
    bus::Subscription blocks(client, "chain.blocks", 2);  // entry 2: block 1
    auto event = blocks.next(std::chrono::milliseconds(10000));
    INFO(event.status().to_string());
    REQUIRE(event.ok());
    auto block = coin::decode_block(coin::ByteView(event.value()->payload<ChainBlockEvent>().getBlock().begin(),
                                                   event.value()->payload<ChainBlockEvent>().getBlock().size()));
    REQUIRE(block.ok());
    CHECK(block->header.seq == 1);
    REQUIRE(block->transactions.size() == 1);
    CHECK(block->transactions[0] == tx);
    CHECK(event.value()->payload<ChainBlockEvent>().getSignature().size() == 65);
  });
}
