// The wallet serverlet as its users see it: a client Node calling it over tcp loopback in one process, the
// serverlet calling a stand-in chain serverlet (fake_chain.hpp) over tcp too. Wallet files land in a temporary
// folder; encryption uses the insecure scrypt variant so the tests stay fast. wallet.history needs chain.history,
// which the stand-in lacks: wallet_chain_e2e_test checks it against the real chain serverlet.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include <boost/fiber/fiber.hpp>
#include <boost/fiber/future.hpp>

#include "../bus/test_options.hpp"
#include "fake_chain.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/coin/coin.hpp"
#include "skymesh/proto/wallet.capnp.h"
#include "wallet_service.hpp"
#include "wallet_test_support.hpp"

using namespace skymesh;
using namespace skymesh::proto;
using skymesh::test::quick_options;

namespace {

constexpr uint64_t k_t0 = 1'700'000'000;
constexpr const char* k_insecure = "scrypt-chacha20poly1305-insecure";

// One reactor; the wallet service and the fake chain on nodes listening on tcp loopback; a client node.
struct WalletBus {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node server{reactor, quick_options("wallet")};
  bus::Node chain_node{reactor, quick_options("chain")};
  bus::Node client_node{reactor, quick_options("client")};
  cipher::Secp256k1 ctx;
  wallet::test::TempDir dir;
  wallet_service::WalletStore store{ctx, dir.path()};
  wallet::test::FakeChain chain{chain_node, ctx, k_t0};
  bus::WorkerPool workers{1};
  std::optional<wallet_service::WalletService> service;

  WalletBus() {
    REQUIRE(chain_node.listen("tcp://127.0.0.1:0").ok());
    REQUIRE(server.listen("tcp://127.0.0.1:0").ok());
  }
  // Runs body on the reactor with the service attached and a client of it.
  void run(const std::function<void(bus::Client&)>& body) {
    reactor.run_until_done([this, &body]() {
      auto chain_client = bus::Client::connect(server, chain_node.endpoints().front());
      REQUIRE(chain_client.ok());
      service.emplace(server, ctx, store, workers, std::move(chain_client).value());
      REQUIRE(service->attach().ok());
      auto client = bus::Client::connect(client_node, server.endpoints().front());
      REQUIRE(client.ok());
      body(client.value());
    });
  }
};

bus::Result<bus::Reply<WalletCreateReply>> create(bus::Client& c, const std::string& seed, const std::string& password,
                                                  uint32_t addresses = 1) {
  return c.call<WalletCreateRequest, WalletCreateReply>("wallet.create", [&](WalletCreateRequest::Builder r) {
    r.setLabel("test");
    r.setSeed(seed);
    r.setAddresses(addresses);
    if (!password.empty()) {
      r.setEncrypt(true);
      r.setPassword(password);
      r.setCryptoType(k_insecure);
    }
  });
}

template <typename Rep>
bus::Result<bus::Reply<Rep>> with_password(bus::Client& c, const std::string& method, const std::string& id,
                                           const std::string& password) {
  return c.call<WalletPasswordRequest, Rep>(method, [&](WalletPasswordRequest::Builder r) {
    r.setId(id);
    r.setPassword(password);
    r.setCryptoType(k_insecure);
  });
}

bus::Result<bus::Reply<WalletBalanceReply>> balance(bus::Client& c, const std::string& id) {
  return c.call<WalletIdRequest, WalletBalanceReply>("wallet.balance",
                                                     [&](WalletIdRequest::Builder r) { r.setId(id); });
}

bus::Result<bus::Reply<WalletSendReply>> send(bus::Client& c, const std::string& id, const std::string& to,
                                              const std::string& coins, const std::string& password = "") {
  return c.call<WalletSendRequest, WalletSendReply>("wallet.send", [&](WalletSendRequest::Builder r) {
    r.setId(id);
    auto list = r.initTo(1);
    list[0].setAddress(to);
    list[0].setCoins(coins);
    r.setPassword(password);
  });
}

std::string first_address(const bus::Reply<WalletCreateReply>& reply) {
  return reply.get().getAddresses()[0].cStr();
}

}  // namespace

TEST_CASE("wallets are created, listed, extended, encrypted and decrypted over the bus") {
  WalletBus mesh;
  mesh.run([](bus::Client& c) {
    auto made = create(c, "", "");
    REQUIRE(made.ok());
    const std::string id = made->get().getId().cStr();
    const std::string phrase = made->get().getSeed().cStr();
    CHECK(std::count(phrase.begin(), phrase.end(), ' ') == 11);  // a generated 12-word phrase, given once
    REQUIRE(made->get().getAddresses().size() == 1);

    auto again = create(c, "a fixed seed", "", 2);
    REQUIRE(again.ok());
    CHECK(again->get().getSeed().size() == 0);  // a seed the caller gave is not echoed
    auto expected = wallet::Wallet::create_deterministic(cipher::Secp256k1(), "a fixed seed",
                                                         {.filename = "x.wlt", .label = "", .timestamp = 0}, 2);
    CHECK(again->get().getAddresses()[1].cStr() == expected->entries()[1].address.to_base58());

    auto listed = c.call<WalletListRequest, WalletListReply>("wallet.list", [](WalletListRequest::Builder) {});
    REQUIRE(listed.ok());
    CHECK(listed->get().getWallets().size() == 2);

    auto more = c.call<WalletAddressesRequest, WalletAddressesReply>("wallet.addresses",
                                                                     [&](WalletAddressesRequest::Builder r) {
                                                                       r.setId(id);
                                                                       r.setCount(3);
                                                                     });
    REQUIRE(more.ok());
    CHECK(more->get().getAddresses().size() == 4);
    CHECK(more->get().getCreated().size() == 3);

    auto locked = with_password<WalletInfo>(c, "wallet.encrypt", id, "pw");
    REQUIRE(locked.ok());
    CHECK(locked->get().getEncrypted());
    auto seed = with_password<WalletSeedReply>(c, "wallet.seed", id, "pw");
    REQUIRE(seed.ok());
    CHECK(std::string(seed->get().getSeed().cStr()) == phrase);
    auto no_count = c.call<WalletAddressesRequest, WalletAddressesReply>("wallet.addresses",
                                                                         [&](WalletAddressesRequest::Builder r) {
                                                                           r.setId(id);
                                                                           r.setCount(1);
                                                                         });
    REQUIRE_FALSE(no_count.ok());
    CHECK(no_count.status().code() == bus::ErrorCode::failed_precondition);

    auto opened = with_password<WalletInfo>(c, "wallet.decrypt", id, "pw");
    REQUIRE(opened.ok());
    CHECK_FALSE(opened->get().getEncrypted());
    CHECK(opened->get().getAddresses() == 4);
  });
}

TEST_CASE("a wrong password is refused unauthorized and changes nothing") {
  WalletBus mesh;
  mesh.run([&mesh](bus::Client& c) {
    auto made = create(c, "seed one", "right");
    REQUIRE(made.ok());
    const std::string id = made->get().getId().cStr();
    const std::string before = wallet::test::read_text(mesh.dir.path() / "wallets" / id);
    for (const char* method : {"wallet.decrypt", "wallet.seed"}) {
      auto refused = with_password<WalletInfo>(c, method, id, "wrong");
      INFO(method);
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.status().code() == bus::ErrorCode::unauthorized);
    }
    CHECK(wallet::test::read_text(mesh.dir.path() / "wallets" / id) == before);
    auto twice = with_password<WalletInfo>(c, "wallet.encrypt", id, "again");
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.status().code() == bus::ErrorCode::failed_precondition);
    auto missing = with_password<WalletInfo>(c, "wallet.decrypt", "1999_01_01_0000.wlt", "x");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().code() == bus::ErrorCode::not_found);
    auto escape = with_password<WalletInfo>(c, "wallet.decrypt", "../secrets.wlt", "x");
    REQUIRE_FALSE(escape.ok());
    CHECK(escape.status().code() == bus::ErrorCode::bad_request);
  });
}

TEST_CASE("coins sent between two wallets arrive after a block with the right coin hours") {
  WalletBus mesh;
  mesh.run([&mesh](bus::Client& c) {
    auto alice = create(c, "alice seed", "");
    auto bob = create(c, "bob seed", "");
    REQUIRE((alice.ok() && bob.ok()));
    const std::string a = alice->get().getId().cStr();
    const std::string b = bob->get().getId().cStr();
    mesh.chain.credit(cipher::Address::from_base58(first_address(alice.value())), 10'000'000);
    mesh.chain.make_block(10 * 3600);  // 10 SKY for 10 hours: 100 hours on top of the 10'000'000 created with it
    auto start = balance(c, a);
    REQUIRE(start.ok());
    CHECK(start->get().getDroplets() == 10'000'000);
    const uint64_t input_hours = start->get().getHours();
    CHECK(input_hours == 10'000'000 + 100);

    auto sent = send(c, a, first_address(bob.value()), "1.5");
    REQUIRE(sent.ok());
    const uint64_t fee = (input_hours + 9) / 10;
    CHECK(sent->get().getFee() == fee);
    CHECK(mesh.chain.pool_size() == 1);
    auto twice = send(c, a, first_address(bob.value()), "1");  // its only output is spent by the pool
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.status().code() == bus::ErrorCode::failed_precondition);

    REQUIRE(mesh.chain.make_block(60) == 1);
    auto after_a = balance(c, a);
    auto after_b = balance(c, b);
    REQUIRE((after_a.ok() && after_b.ok()));
    CHECK(std::string(after_b->get().getCoins().cStr()) == "1.5");
    CHECK(after_a->get().getDroplets() == 8'500'000);
    const uint64_t left = input_hours - fee;
    CHECK(after_b->get().getHours() == left / 2);  // created this block: no hours gained yet
    CHECK(after_a->get().getHours() == left - left / 2);
  });
}

TEST_CASE("sending more than the wallet holds, bad amounts and bad addresses are refused") {
  WalletBus mesh;
  mesh.run([&mesh](bus::Client& c) {
    auto alice = create(c, "alice seed", "");
    REQUIRE(alice.ok());
    const std::string a = alice->get().getId().cStr();
    mesh.chain.credit(cipher::Address::from_base58(first_address(alice.value())), 2'000'000);
    mesh.chain.make_block(3600);
    const std::string to = "2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6";
    auto poor = send(c, a, to, "3");
    REQUIRE_FALSE(poor.ok());
    CHECK(poor.status().code() == bus::ErrorCode::failed_precondition);
    CHECK(poor.status().message().find("insufficient_coins") != std::string::npos);
    CHECK(send(c, a, to, "1.0001").status().code() == bus::ErrorCode::bad_request);
    CHECK(send(c, a, to, "-1").status().code() == bus::ErrorCode::bad_request);
    CHECK(send(c, a, "not-an-address", "1").status().code() == bus::ErrorCode::bad_request);
    CHECK(mesh.chain.pool_size() == 0);
  });
}

TEST_CASE("an encrypted wallet cannot sign without its password") {
  WalletBus mesh;
  mesh.run([&mesh](bus::Client& c) {
    auto alice = create(c, "alice seed", "pw");
    REQUIRE(alice.ok());
    const std::string a = alice->get().getId().cStr();
    mesh.chain.credit(cipher::Address::from_base58(first_address(alice.value())), 2'000'000);
    mesh.chain.make_block(3600);
    const std::string to = "2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6";
    auto locked = send(c, a, to, "1");
    REQUIRE_FALSE(locked.ok());
    CHECK(locked.status().code() == bus::ErrorCode::failed_precondition);
    auto wrong = send(c, a, to, "1", "nope");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.status().code() == bus::ErrorCode::unauthorized);
    CHECK(mesh.chain.pool_size() == 0);
    auto sent = send(c, a, to, "1", "pw");
    REQUIRE(sent.ok());
    CHECK(mesh.chain.pool_size() == 1);
  });
}

TEST_CASE("while a slow unlock runs on the worker pool, a wallet.list call is answered first") {
  WalletBus mesh;
  mesh.run([&mesh](bus::Client& c) {
    auto alice = create(c, "alice seed", "pw");
    REQUIRE(alice.ok());
    const std::string a = alice->get().getId().cStr();
    // The pool's only worker waits on a gate the test opens: scrypt queued behind it cannot have run yet. Had the
    // decrypt run on the reactor thread, its reply would come first, gate or not.
    std::promise<void> gate;
    std::shared_future<void> opened = gate.get_future().share();
    boost::fibers::fiber blocker(boost::fibers::launch::dispatch,
                                 [&mesh, opened]() { mesh.workers.run([opened]() { opened.wait(); }); });
    auto decrypt = c.async_call<WalletPasswordRequest>("wallet.decrypt", [&a](WalletPasswordRequest::Builder r) {
      r.setId(a);
      r.setPassword("pw");
    });
    auto listed = c.call<WalletListRequest, WalletListReply>("wallet.list", [](WalletListRequest::Builder) {});
    REQUIRE(listed.ok());
    REQUIRE(listed->get().getWallets().size() == 1);
    CHECK(listed->get().getWallets()[0].getEncrypted());
    CHECK(decrypt.wait_for(std::chrono::seconds(0)) == boost::fibers::future_status::timeout);
    gate.set_value();
    blocker.join();
    auto decrypted = decrypt.get();
    REQUIRE(decrypted.ok());
    auto after = c.call<WalletListRequest, WalletListReply>("wallet.list", [](WalletListRequest::Builder) {});
    REQUIRE(after.ok());
    CHECK_FALSE(after->get().getWallets()[0].getEncrypted());
  });
}

TEST_CASE("a Skycoin bip44 wallet file is listed and derives new addresses over the bus") {
  if (!wallet::test::have_wallet_vectors()) return;
  WalletBus mesh;
  std::filesystem::copy_file(wallet::test::wallet_vectors_dir() / "test5-bip44.wlt",
                             mesh.dir.path() / "wallets" / "test5-bip44.wlt");
  mesh.run([&mesh](bus::Client& c) {
    auto listed = c.call<WalletListRequest, WalletListReply>("wallet.list", [](WalletListRequest::Builder) {});
    REQUIRE(listed.ok());
    REQUIRE(listed->get().getWallets().size() == 1);
    CHECK(std::string(listed->get().getWallets()[0].getType().cStr()) == "bip44");
    CHECK(listed->get().getWallets()[0].getAddresses() == 7);
    auto more =
        c.call<WalletAddressesRequest, WalletAddressesReply>("wallet.addresses", [](WalletAddressesRequest::Builder r) {
          r.setId("test5-bip44.wlt");
          r.setCount(2);
        });
    INFO(more.status().to_string());
    REQUIRE(more.ok());
    CHECK(more->get().getAddresses().size() == 9);
    REQUIRE(more->get().getCreated().size() == 2);
    // Written back in Skycoin's layout: the file reloads, and the seed derives every entry.
    auto reloaded = mesh.store.load("test5-bip44.wlt");
    REQUIRE(reloaded.ok());
    CHECK(reloaded->entries().size() == 9);
    CHECK(reloaded->verify_seed(mesh.ctx).ok());
    CHECK(reloaded->addresses()[6].to_base58() == std::string(more->get().getCreated()[0].cStr()));
  });
}
