// End to end with real serverlets in child processes: skymesh-chain on a local test network (a genesis paying
// Alice's first address, a block-making key) and skymesh-wallet calling it. Alice pays Bob, the chain makes a
// block, and both balances and coin hours are what the rules say; a payment past Alice's coins is refused.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "../bus/child_process.hpp"
#include "../bus/test_options.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/cipher/cipher.hpp"
#include "skymesh/proto/chain.capnp.h"
#include "skymesh/proto/wallet.capnp.h"
#include "skymesh/wallet/wallet.hpp"
#include "wallet_test_support.hpp"

using namespace skymesh;
using namespace skymesh::proto;

namespace {

constexpr uint64_t k_genesis_droplets = 1'000'000'000;  // 1000 SKY; the genesis output has as many hours

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

}  // namespace

TEST_CASE("two wallets exchange coins through a real chain serverlet and a block") {
  const cipher::Secp256k1 ctx;
  wallet::test::TempDir dir;
  auto alice_wallet = wallet::Wallet::create_deterministic(ctx, "alice e2e seed",
                                                           {.filename = "a.wlt", .label = "", .timestamp = 0}, 1);
  const std::string alice_address = alice_wallet->entries()[0].address.to_base58();
  const cipher::SecretKey block_key = cipher::SecretKey::from_bytes(cipher::sha256(cipher::from_hex("0102")).view());
  write(dir.path() / "block.key", block_key.hex() + "\n");
  write(dir.path() / "net.toml", "genesis_address_str = \"" + alice_address +
                                     "\"\ngenesis_coin_volume = " + std::to_string(k_genesis_droplets) +
                                     "\ngenesis_timestamp = 1700000000\nblockchain_pubkey_str = \"" +
                                     cipher::public_key_from_secret(ctx, block_key).hex() + "\"\n");
  test::ChildProcess chain("skymesh-chain",
                           {"--data", (dir.path() / "chain").string(), "--genesis", (dir.path() / "net.toml").string(),
                            "--block-key", (dir.path() / "block.key").string(), "--listen", "tcp://127.0.0.1:0"});
  REQUIRE_FALSE(chain.endpoint().empty());
  test::ChildProcess wallets("skymesh-wallet", {"--data", (dir.path() / "wallet").string(), "--chain", chain.endpoint(),
                                                "--listen", "tcp://127.0.0.1:0"});
  REQUIRE_FALSE(wallets.endpoint().empty());

  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node node{reactor, test::quick_options("e2e", std::chrono::milliseconds(30000))};
  reactor.run_until_done([&]() {
    auto w = bus::Client::connect(node, wallets.endpoint());
    auto c = bus::Client::connect(node, chain.endpoint());
    REQUIRE((w.ok() && c.ok()));
    auto create = [&w](const std::string& seed) {
      auto made = w->call<WalletCreateRequest, WalletCreateReply>(
          "wallet.create", [&seed](WalletCreateRequest::Builder r) { r.setSeed(seed); });
      REQUIRE(made.ok());
      return std::make_pair(std::string(made->get().getId().cStr()), std::string(made->get().getAddresses()[0].cStr()));
    };
    auto balance = [&w](const std::string& id) {
      auto got = w->call<WalletIdRequest, WalletBalanceReply>("wallet.balance",
                                                              [&id](WalletIdRequest::Builder r) { r.setId(id); });
      REQUIRE(got.ok());
      return std::make_pair(got->get().getDroplets(), got->get().getHours());
    };
    auto send = [&w](const std::string& id, const std::string& to, const std::string& coins) {
      return w->call<WalletSendRequest, WalletSendReply>("wallet.send", [&](WalletSendRequest::Builder r) {
        r.setId(id);
        auto list = r.initTo(1);
        list[0].setAddress(to);
        list[0].setCoins(coins);
      });
    };
    const auto [alice, alice_first] = create("alice e2e seed");
    const auto [bob, bob_first] = create("bob e2e seed");
    CHECK(alice_first == alice_address);
    const auto [coins_before, hours_before] = balance(alice);
    CHECK(coins_before == k_genesis_droplets);
    CHECK(hours_before >= k_genesis_droplets);

    auto refused = send(alice, bob_first, "1001");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == bus::ErrorCode::failed_precondition);

    auto sent = send(alice, bob_first, "12.5");
    INFO(sent.status().to_string());
    REQUIRE(sent.ok());
    const uint64_t fee = sent->get().getFee();
    CHECK(fee == (hours_before + 9) / 10);
    auto block =
        c->call<ChainMakeBlockRequest, ChainMakeBlockReply>("chain.make_block", [](ChainMakeBlockRequest::Builder) {});
    INFO(block.status().to_string());
    REQUIRE(block.ok());
    CHECK(block->get().getTransactions() == 1);
    const auto [alice_coins, alice_hours] = balance(alice);
    const auto [bob_coins, bob_hours] = balance(bob);
    CHECK(bob_coins == 12'500'000);
    CHECK(alice_coins == k_genesis_droplets - 12'500'000);
    const uint64_t left = hours_before - fee;  // both outputs were created by the head block: no growth yet
    CHECK(bob_hours == left / 2);
    CHECK(alice_hours == left - left / 2);
  });
}
