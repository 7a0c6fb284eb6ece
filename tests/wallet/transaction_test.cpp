// Building and signing payments: coin selection, change, the burn fee and hour sharing, checked against the coin
// library's pool rules (check_pool_transaction, hard and soft).
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "skymesh/wallet/coin_selection.hpp"
#include "skymesh/wallet/transaction_builder.hpp"
#include "transaction_support.hpp"

using namespace skymesh;
using namespace skymesh::wallet;
using wallet::test::k_hour;
using wallet::test::make_output;
using wallet::test::make_wallet;
using wallet::test::pool_check;

namespace {

const uint64_t k_t0 = 1'600'000'000;
const cipher::Address k_stranger = cipher::Address::from_base58("2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6");

uint64_t hours_at(const coin::UxOut& ux, uint64_t t) {
  return coin::coin_hours(ux, t).value();
}

}  // namespace

TEST_CASE("a payment spends the richest output with hours first, pays change back and burns a tenth") {
  const cipher::Secp256k1 ctx;
  Wallet w = make_wallet(ctx, 3);
  const std::vector<coin::UxOut> unspent{make_output(w.entries()[0].address, 10'000'000, 0, k_t0, 1, 1),
                                         make_output(w.entries()[1].address, 5'000'000, 0, k_t0, 2, 2),
                                         make_output(k_stranger, 50'000'000, 0, k_t0, 3, 3)};
  const uint64_t head_time = k_t0 + 100 * k_hour;
  const std::vector<Payment> to{{k_stranger, 12'000'000}};
  auto built = build_transaction(ctx, w, unspent, head_time, to);
  REQUIRE(built.ok());
  const coin::Transaction& tx = built->transaction;
  REQUIRE(tx.inputs.size() == 2);
  CHECK(tx.inputs[0] == coin::ux_id(unspent[0]));
  CHECK(tx.inputs[1] == coin::ux_id(unspent[1]));
  const uint64_t input_hours = hours_at(unspent[0], head_time) + hours_at(unspent[1], head_time);
  CHECK(input_hours == 1500);
  CHECK(built->input_hours == input_hours);
  CHECK(built->fee == 150);  // ceil(1500 / 10)
  REQUIRE(tx.outputs.size() == 2);
  CHECK(tx.outputs[0] == coin::TransactionOutput{k_stranger, 12'000'000, 675});
  CHECK(tx.outputs[1] == coin::TransactionOutput{w.entries()[0].address, 3'000'000, 675});
  CHECK(built->has_change);
  CHECK(built->id == coin::transaction_id(tx));
  auto pooled = pool_check(ctx, unspent, head_time, tx);
  REQUIRE(pooled.ok());
  CHECK(pooled.value() == 150);
}

TEST_CASE("a payment of everything has no change output and gives the recipient every hour left") {
  const cipher::Secp256k1 ctx;
  Wallet w = make_wallet(ctx, 1);
  const std::vector<coin::UxOut> unspent{make_output(w.entries()[0].address, 2'000'000, 7, k_t0, 1, 1)};
  const uint64_t head_time = k_t0 + 10 * k_hour;
  const std::vector<Payment> to{{k_stranger, 2'000'000}};
  auto built = build_transaction(ctx, w, unspent, head_time, to);
  REQUIRE(built.ok());
  const uint64_t hours = hours_at(unspent[0], head_time);
  REQUIRE(built->transaction.outputs.size() == 1);
  CHECK_FALSE(built->has_change);
  CHECK(built->transaction.outputs[0].hours == hours - coin::required_fee(hours, 10));
  CHECK(pool_check(ctx, unspent, head_time, built->transaction).ok());
}

TEST_CASE("a changed output after signing no longer passes the pool rules") {
  const cipher::Secp256k1 ctx;
  Wallet w = make_wallet(ctx, 1);
  const std::vector<coin::UxOut> unspent{make_output(w.entries()[0].address, 9'000'000, 0, k_t0, 1, 1)};
  const uint64_t head_time = k_t0 + 5 * k_hour;
  const std::vector<Payment> to{{k_stranger, 1'000'000}};
  auto built = build_transaction(ctx, w, unspent, head_time, to);
  REQUIRE(built.ok());
  coin::Transaction tampered = built->transaction;
  tampered.outputs[0].coins += 1000;
  tampered.outputs[1].coins -= 1000;
  CHECK_FALSE(pool_check(ctx, unspent, head_time, tampered).ok());
}

TEST_CASE("too few coins, too few hours and foreign outputs are refused clearly") {
  const cipher::Secp256k1 ctx;
  Wallet w = make_wallet(ctx, 2);
  const std::vector<coin::UxOut> unspent{make_output(w.entries()[0].address, 3'000'000, 0, k_t0, 1, 1),
                                         make_output(k_stranger, 100'000'000, 0, k_t0, 1, 2)};
  const std::vector<Payment> too_much{{k_stranger, 4'000'000}};
  auto poor = build_transaction(ctx, w, unspent, k_t0 + k_hour, too_much);
  REQUIRE_FALSE(poor.ok());
  CHECK(poor.error() == WalletError::insufficient_coins);

  const std::vector<Payment> fine{{k_stranger, 1'000'000}};
  auto young = build_transaction(ctx, w, unspent, k_t0, fine);  // created at head time: no hours yet
  REQUIRE_FALSE(young.ok());
  CHECK(young.error() == WalletError::insufficient_hours);

  const std::vector<Payment> none;
  CHECK(build_transaction(ctx, w, unspent, k_t0 + k_hour, none).error() == WalletError::invalid_argument);
  const std::vector<Payment> fine_grained{{k_stranger, 1'000'100}};
  CHECK(build_transaction(ctx, w, unspent, k_t0 + k_hour, fine_grained).error() == WalletError::too_many_decimals);
}

TEST_CASE("recipients are parsed strictly: unknown address formats and too many decimals are refused") {
  CHECK(parse_payment("2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6", "1.5", 3).value().coins == 1'500'000);
  auto bad_address = parse_payment("2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os7", "1", 3);
  REQUIRE_FALSE(bad_address.ok());
  CHECK(bad_address.error() == WalletError::invalid_address);
  CHECK(parse_payment("0x52908400098527886E0F7030069857D2E4169EE7", "1", 3).error() == WalletError::invalid_address);
  CHECK(parse_payment("2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6", "1.0001", 3).error() == WalletError::too_many_decimals);
  CHECK(parse_payment("2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6", "-2", 3).error() == WalletError::invalid_amount);
}

TEST_CASE("an encrypted wallet signs only with its password") {
  const cipher::Secp256k1 ctx;
  Wallet w = make_wallet(ctx, 1);
  const std::vector<coin::UxOut> unspent{make_output(w.entries()[0].address, 4'000'000, 0, k_t0, 1, 1)};
  REQUIRE(w.lock("secret", CryptoType::scrypt_chacha20poly1305_insecure).ok());
  const uint64_t head_time = k_t0 + 3 * k_hour;
  const std::vector<Payment> to{{k_stranger, 1'000'000}};
  auto locked = build_transaction(ctx, w, unspent, head_time, to);
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.error() == WalletError::wallet_locked);
  CHECK(build_transaction(ctx, w, "", unspent, head_time, to).error() == WalletError::wallet_locked);
  CHECK(build_transaction(ctx, w, "wrong", unspent, head_time, to).error() == WalletError::wrong_password);
  auto built = build_transaction(ctx, w, "secret", unspent, head_time, to);
  REQUIRE(built.ok());
  CHECK(w.is_encrypted());
  CHECK(pool_check(ctx, unspent, head_time, built->transaction).ok());
}

TEST_CASE("a 100-input payment is built, signed and accepted by the pool") {
  const cipher::Secp256k1 ctx;
  Wallet w = make_wallet(ctx, 10);
  std::vector<coin::UxOut> unspent;
  for (uint8_t i = 0; i < 100; ++i) {
    unspent.push_back(make_output(w.entries()[i % 10].address, 1'000'000, 0, k_t0, 1 + i / 10, i));
  }
  const uint64_t head_time = k_t0 + 24 * k_hour;
  const std::vector<Payment> to{{k_stranger, 99'500'000}};
  auto built = build_transaction(ctx, w, unspent, head_time, to);
  REQUIRE(built.ok());
  CHECK(built->transaction.inputs.size() == 100);
  CHECK(pool_check(ctx, unspent, head_time, built->transaction).ok());
}

TEST_CASE("hours are split in proportion to coins and sum exactly") {
  const std::vector<uint64_t> coins{1, 1, 1};
  CHECK(distribute_hours(10, coins) == std::vector<uint64_t>{4, 3, 3});
  const std::vector<uint64_t> weighted{3'000'000, 1'000'000};
  CHECK(distribute_hours(100, weighted) == std::vector<uint64_t>{75, 25});
  const std::vector<uint64_t> one{5};
  CHECK(distribute_hours(0, one) == std::vector<uint64_t>{0});
}

TEST_CASE("random wallets and payments either pass the pool rules or fail with a wallet error") {
  const cipher::Secp256k1 ctx;
  Wallet w = make_wallet(ctx, 4);
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 random(seed);
  int built_count = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<coin::UxOut> unspent;
    const int n = 1 + static_cast<int>(random() % 8);
    for (int i = 0; i < n; ++i) {
      unspent.push_back(make_output(w.entries()[random() % 4].address, (1 + random() % 20'000) * 1000, random() % 50,
                                    k_t0 - (random() % 3) * k_hour, 1 + random() % 5, static_cast<uint8_t>(i)));
    }
    std::vector<Payment> to;
    const int m = 1 + static_cast<int>(random() % 3);
    for (int i = 0; i < m; ++i)
      to.push_back({i == 0 ? k_stranger : w.entries()[i].address, (1 + random() % 9000) * 1000});
    const uint64_t head_time = k_t0 + random() % (5 * k_hour);
    auto built = build_transaction(ctx, w, unspent, head_time, to);
    if (!built.ok()) {
      INFO(built.fault().to_string());
      CHECK(
          (built.error() == WalletError::insufficient_coins || built.error() == WalletError::insufficient_hours ||
           (built.error() == WalletError::invalid_argument && built.message().find("identical") != std::string::npos)));
      continue;
    }
    ++built_count;
    auto pooled = pool_check(ctx, unspent, head_time, built->transaction);
    INFO((pooled.ok() ? std::string("ok") : pooled.fault().to_string()));
    REQUIRE(pooled.ok());
    CHECK(pooled.value() == built->fee);
    CHECK(built->fee >= coin::required_fee(built->input_hours, 10));
  }
  CHECK(built_count > 0);
}
