// End to end with real serverlets in child processes, as issue 5's "Proving it" asks: skymesh-chain on a local
// test network (a genesis paying Alice's first address, a block-making key), skymesh-crypto, and skymesh-wallet
// calling the chain. Alice pays Bob, the chain makes a block, both balances and coin hours are what the rules
// say, crypto.verify accepts every signature of the payment under Alice's address; a payment past Alice's coins
// is refused; Bob's encrypted wallet cannot sign without its password; a writer killed before its rename leaves
// the serverlet reading the previous file; wallet.history lists received payments that were spent since.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../bus/test_options.hpp"
#include "child_process.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/cipher/cipher.hpp"
#include "skymesh/coin/coin.hpp"
#include "skymesh/proto/chain.capnp.h"
#include "skymesh/proto/crypto.capnp.h"
#include "skymesh/proto/wallet.capnp.h"
#include "skymesh/wallet/wallet.hpp"
#include "skymesh/wallet/wallet_file.hpp"
#include "wallet_test_support.hpp"

using namespace skymesh;
using namespace skymesh::proto;

namespace {

constexpr uint64_t k_genesis_droplets = 1'000'000'000;  // 1000 SKY; the genesis output has as many hours
constexpr const char* k_insecure = "scrypt-chacha20poly1305-insecure";

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

capnp::Data::Reader data_of(cipher::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}

// The three serverlets as child processes; the genesis pays the first address of the seed "alice e2e seed".
struct Mesh {
  cipher::Secp256k1 ctx;
  wallet::test::TempDir dir;
  std::string alice_address;
  std::optional<test::ChildProcess> chain, crypto, wallets;

  Mesh() {
    auto alice = wallet::Wallet::create_deterministic(ctx, "alice e2e seed",
                                                      {.filename = "a.wlt", .label = "", .timestamp = 0}, 1);
    alice_address = alice->entries()[0].address.to_base58();
    const cipher::SecretKey block_key = cipher::SecretKey::from_bytes(cipher::sha256(cipher::from_hex("0102")).view());
    write(dir.path() / "block.key", block_key.hex() + "\n");
    write(dir.path() / "net.toml", "genesis_address_str = \"" + alice_address +
                                       "\"\ngenesis_coin_volume = " + std::to_string(k_genesis_droplets) +
                                       "\ngenesis_timestamp = 1700000000\nblockchain_pubkey_str = \"" +
                                       cipher::public_key_from_secret(ctx, block_key).hex() + "\"\n");
    chain.emplace("skymesh-chain",
                  std::vector<std::string>{"--data", (dir.path() / "chain").string(), "--genesis",
                                           (dir.path() / "net.toml").string(), "--block-key",
                                           (dir.path() / "block.key").string(), "--listen", "tcp://127.0.0.1:0"});
    REQUIRE_FALSE(chain->endpoint().empty());
    crypto.emplace("skymesh-crypto", std::vector<std::string>{"--listen", "tcp://127.0.0.1:0", "--workers", "1"});
    REQUIRE_FALSE(crypto->endpoint().empty());
    wallets.emplace("skymesh-wallet", std::vector<std::string>{"--data", (dir.path() / "wallet").string(), "--chain",
                                                               chain->endpoint(), "--listen", "tcp://127.0.0.1:0"});
    REQUIRE_FALSE(wallets->endpoint().empty());
  }
  std::filesystem::path wallet_file(const std::string& id) const { return dir.path() / "wallet" / "wallets" / id; }
};

// Clients of the three serverlets and the calls the tests make, on one reactor.
struct Calls {
  bus::Client w, c, k;

  std::pair<std::string, std::string> create(const std::string& seed) {
    auto made = w.call<WalletCreateRequest, WalletCreateReply>(
        "wallet.create", [&seed](WalletCreateRequest::Builder r) { r.setSeed(seed); });
    REQUIRE(made.ok());
    return {made->get().getId().cStr(), made->get().getAddresses()[0].cStr()};
  }
  std::pair<uint64_t, uint64_t> balance(const std::string& id) {
    auto got = w.call<WalletIdRequest, WalletBalanceReply>("wallet.balance",
                                                           [&id](WalletIdRequest::Builder r) { r.setId(id); });
    REQUIRE(got.ok());
    return {got->get().getDroplets(), got->get().getHours()};
  }
  bus::Result<bus::Reply<WalletSendReply>> send(const std::string& id, const std::string& to, const std::string& coins,
                                                const std::string& password = "") {
    return w.call<WalletSendRequest, WalletSendReply>("wallet.send", [&](WalletSendRequest::Builder r) {
      r.setId(id);
      auto list = r.initTo(1);
      list[0].setAddress(to);
      list[0].setCoins(coins);
      r.setPassword(password);
    });
  }
  void make_block() {
    auto block =
        c.call<ChainMakeBlockRequest, ChainMakeBlockReply>("chain.make_block", [](ChainMakeBlockRequest::Builder) {});
    INFO(block.status().to_string());
    REQUIRE(block.ok());
    CHECK(block->get().getTransactions() == 1);
  }
  // crypto.verify of signature i of tx under `address`, its digest made by crypto.hash.
  bool verify(const coin::Transaction& tx, std::size_t i, const std::string& address) {
    coin::Bytes preimage(tx.inner_hash.view().begin(), tx.inner_hash.view().end());
    preimage.insert(preimage.end(), tx.inputs[i].view().begin(), tx.inputs[i].view().end());
    auto digest = k.call<HashRequest, HashReply>("crypto.hash", [&preimage](HashRequest::Builder r) {
      r.setData(data_of(preimage));
      r.setKind(HashKind::SHA256);
    });
    REQUIRE(digest.ok());
    CHECK(digest->get().getDigest() == data_of(coin::signed_digest(tx, i).view()));
    auto verified = k.call<VerifyRequest, VerifyReply>("crypto.verify", [&](VerifyRequest::Builder r) {
      r.setDigest(digest->get().getDigest());
      r.setSignature(data_of(tx.sigs[i].view()));
      r.setAddress(address);
    });
    REQUIRE(verified.ok());
    return verified->get().getValid();
  }
  std::vector<std::tuple<std::string, uint64_t, uint64_t, bool>> history(const std::string& id) {
    auto got = w.call<WalletIdRequest, WalletHistoryReply>("wallet.history",
                                                           [&id](WalletIdRequest::Builder r) { r.setId(id); });
    INFO(got.status().to_string());
    REQUIRE(got.ok());
    std::vector<std::tuple<std::string, uint64_t, uint64_t, bool>> out;
    for (auto e : got->get().getEntries()) {
      CHECK(e.getConfirmed());
      CHECK(e.getTime() >= 1'700'000'000);
      out.emplace_back(cipher::to_hex(cipher::ByteView(e.getTransaction().begin(), e.getTransaction().size())),
                       e.getReceived(), e.getSpent(), e.getSent());
    }
    return out;
  }
};

// Runs body on a reactor with clients of the mesh's wallet, chain and crypto serverlets.
void with_calls(Mesh& mesh, const std::function<void(Calls&)>& body) {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node node{reactor, test::quick_options("e2e", std::chrono::milliseconds(30000))};
  reactor.run_until_done([&]() {
    auto w = bus::Client::connect(node, mesh.wallets->endpoint());
    auto c = bus::Client::connect(node, mesh.chain->endpoint());
    auto k = bus::Client::connect(node, mesh.crypto->endpoint());
    REQUIRE((w.ok() && c.ok() && k.ok()));
    Calls calls{std::move(w).value(), std::move(c).value(), std::move(k).value()};
    body(calls);
  });
}

std::string hex_of(const bus::Reply<WalletSendReply>& sent) {
  return cipher::to_hex(cipher::ByteView(sent.get().getTransaction().begin(), sent.get().getTransaction().size()));
}

}  // namespace

TEST_CASE("two wallets exchange coins through real chain and crypto serverlets and a block") {
  Mesh mesh;
  with_calls(mesh, [&mesh](Calls& calls) {
    const auto [alice, alice_first] = calls.create("alice e2e seed");
    const auto [bob, bob_first] = calls.create("bob e2e seed");
    CHECK(alice_first == mesh.alice_address);
    const auto [coins_before, hours_before] = calls.balance(alice);
    CHECK(coins_before == k_genesis_droplets);
    CHECK(hours_before >= k_genesis_droplets);

    auto refused = calls.send(alice, bob_first, "1001");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == bus::ErrorCode::failed_precondition);
    CHECK(refused.status().message().find("insufficient_coins") != std::string::npos);

    auto sent = calls.send(alice, bob_first, "12.5");
    INFO(sent.status().to_string());
    REQUIRE(sent.ok());
    const uint64_t fee = sent->get().getFee();
    CHECK(fee == (hours_before + 9) / 10);
    // The crypto serverlet checks every signature of what the wallet signed, under Alice's address only.
    auto tx = coin::decode_transaction(cipher::ByteView(sent->get().getRaw().begin(), sent->get().getRaw().size()));
    REQUIRE(tx.ok());
    REQUIRE(tx->inputs.size() == 1);
    for (std::size_t i = 0; i < tx->inputs.size(); ++i) {
      CHECK(calls.verify(tx.value(), i, alice_first));
      CHECK_FALSE(calls.verify(tx.value(), i, bob_first));
    }
    calls.make_block();
    const auto [alice_coins, alice_hours] = calls.balance(alice);
    const auto [bob_coins, bob_hours] = calls.balance(bob);
    CHECK(bob_coins == 12'500'000);
    CHECK(alice_coins == k_genesis_droplets - 12'500'000);
    const uint64_t left = hours_before - fee;  // both outputs were created by the head block: no growth yet
    CHECK(bob_hours == left / 2);
    CHECK(alice_hours == left - left / 2);

    // Bob locks his wallet: no signature without the password, none with a wrong one, and then it pays.
    auto locked =
        calls.w.call<WalletPasswordRequest, WalletInfo>("wallet.encrypt", [&](WalletPasswordRequest::Builder r) {
          r.setId(bob);
          r.setPassword("bob's password");
          r.setCryptoType(k_insecure);
        });
    REQUIRE(locked.ok());
    CHECK(locked->get().getEncrypted());
    auto no_password = calls.send(bob, alice_first, "1");
    REQUIRE_FALSE(no_password.ok());
    CHECK(no_password.status().code() == bus::ErrorCode::failed_precondition);
    CHECK(no_password.status().message().find("wallet_locked") != std::string::npos);
    auto wrong = calls.send(bob, alice_first, "1", "not it");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.status().code() == bus::ErrorCode::unauthorized);
    auto pool = calls.c.call<ChainPoolRequest, ChainPoolReply>("chain.pool", [](ChainPoolRequest::Builder) {});
    REQUIRE(pool.ok());
    CHECK(pool->get().getTransactions().size() == 0);
    auto paid = calls.send(bob, alice_first, "1", "bob's password");
    INFO(paid.status().to_string());
    REQUIRE(paid.ok());
    calls.make_block();
    CHECK(calls.balance(bob).first == 11'500'000);
    CHECK(calls.balance(alice).first == k_genesis_droplets - 11'500'000);
  });
}

TEST_CASE("regression: wallet.history lists received payments whose outputs were spent since") {
  Mesh mesh;
  with_calls(mesh, [](Calls& calls) {
    const auto [alice, alice_first] = calls.create("alice e2e seed");
    const auto [bob, bob_first] = calls.create("bob e2e seed");
    auto genesis =
        calls.c.call<ChainBlockRequest, ChainBlock>("chain.block", [](ChainBlockRequest::Builder r) { r.setSeq(0); });
    REQUIRE(genesis.ok());
    const auto genesis_tx = genesis->get().getTransactions()[0].getId();
    const std::string genesis_id = cipher::to_hex(cipher::ByteView(genesis_tx.begin(), genesis_tx.size()));

    auto to_bob = calls.send(alice, bob_first, "12.5");  // spends the genesis output
    REQUIRE(to_bob.ok());
    calls.make_block();
    auto to_alice = calls.send(bob, alice_first, "2");  // spends the output Bob received
    REQUIRE(to_alice.ok());
    calls.make_block();

    using Entry = std::tuple<std::string, uint64_t, uint64_t, bool>;  // id, received, spent, sent from here
    const uint64_t alice_change = k_genesis_droplets - 12'500'000;
    CHECK(calls.history(alice) == std::vector<Entry>{{genesis_id, k_genesis_droplets, 0, false},
                                                     {hex_of(to_bob.value()), alice_change, k_genesis_droplets, true},
                                                     {hex_of(to_alice.value()), 2'000'000, 0, false}});
    CHECK(calls.history(bob) == std::vector<Entry>{{hex_of(to_bob.value()), 12'500'000, 0, false},
                                                   {hex_of(to_alice.value()), 10'500'000, 12'500'000, true}});
  });
}

TEST_CASE("a wallet write killed before its rename leaves the serverlet the previous file") {
  Mesh mesh;
  std::string bob;
  with_calls(mesh, [&bob](Calls& calls) { bob = calls.create("bob e2e seed").first; });
  const auto path = mesh.wallet_file(bob);
  auto before = wallet::load_wallet(mesh.ctx, path);
  REQUIRE(before.ok());
  REQUIRE(before->generate_addresses(mesh.ctx, 20).ok());  // the new contents, never renamed into place

  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t writer = ::fork();
  REQUIRE(writer >= 0);
  if (writer == 0) {
    ::close(ready[0]);
    wallet::WriteHooks hooks;
    hooks.before_rename = [&ready](const std::filesystem::path&) {
      const char byte = 'w';
      if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
      while (true) ::pause();
    };
    (void)wallet::save_wallet(path, before.value(), hooks);
    ::_exit(2);
  }
  ::close(ready[1]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  REQUIRE(::kill(writer, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(writer, &status, 0) == writer);
  CHECK(WIFSIGNALED(status));

  with_calls(mesh, [&bob](Calls& calls) {
    auto listed = calls.w.call<WalletListRequest, WalletListReply>("wallet.list", [](WalletListRequest::Builder) {});
    REQUIRE(listed.ok());
    REQUIRE(listed->get().getWallets().size() == 1);  // the stray temporary file is not a wallet
    CHECK(listed->get().getWallets()[0].getAddresses() == 1);
    auto more = calls.w.call<WalletAddressesRequest, WalletAddressesReply>("wallet.addresses",
                                                                           [&bob](WalletAddressesRequest::Builder r) {
                                                                             r.setId(bob);
                                                                             r.setCount(1);
                                                                           });
    REQUIRE(more.ok());
    CHECK(more->get().getAddresses().size() == 2);
  });
}
