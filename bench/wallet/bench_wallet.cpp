// bench_wallet: the wallet library's cost over the cipher library it is built on.
//   bench_wallet [--seconds S]   (S seconds of address batches, default 2)
// addresses_per_s: Wallet::generate_addresses on a deterministic wallet (derive, make the address, keep the
// entry, move lastSeed on); raw_addresses_per_s: cipher::deterministic_key_pairs plus Address::from_public_key
// from the same seed, the least the wallet must do. Batches of 100 of the two alternate; the rates are medians and
// addresses_ratio (the target is at least 0.9) is the median of each back-to-back pair's own ratio (see main).
// build_sign_100_ms: build_transaction over 100 unspent outputs that a payment needs all of (coin selection, hours,
// 100 signatures, the builder's own rule check, which recovers every signature); the median run.
// Last line: one JSON object.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "skymesh/cipher/cipher.hpp"
#include "skymesh/coin/coin.hpp"
#include "skymesh/wallet/transaction_builder.hpp"
#include "skymesh/wallet/wallet.hpp"

namespace {

using namespace skymesh;
using Clock = std::chrono::steady_clock;

constexpr std::size_t k_batch = 100;  // addresses per timed batch

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One batch of k_batch addresses through the wallet library, from a fresh wallet (created outside the timing).
double wallet_batch_seconds(const cipher::Secp256k1& ctx, const std::string& seed) {
  auto made =
      wallet::Wallet::create_deterministic(ctx, seed, {.filename = "bench.wlt", .label = "", .timestamp = 0}, 0);
  wallet::Wallet w = std::move(made).value();
  const auto start = Clock::now();
  const std::size_t count = w.generate_addresses(ctx, k_batch).value().size();
  const double seconds = seconds_since(start);
  if (count != k_batch) std::exit(1);
  return seconds;
}

// The same k_batch addresses with the cipher library alone: derive, then make each address.
double raw_batch_seconds(const cipher::Secp256k1& ctx, const std::string& seed) {
  const cipher::ByteView bytes(reinterpret_cast<const uint8_t*>(seed.data()), seed.size());
  std::size_t sink = 0;
  const auto start = Clock::now();
  cipher::DeterministicKeys keys = cipher::deterministic_key_pairs(ctx, bytes, k_batch).value();
  for (const cipher::KeyPair& pair : keys.keys) {
    sink += cipher::Address::from_public_key(pair.public_key).key().data()[0];
  }
  const double seconds = seconds_since(start);
  if (sink == 1) std::fprintf(stderr, " ");  // keeps the addresses from being optimised away
  return seconds;
}

double build_sign_100_ms(const cipher::Secp256k1& ctx, int runs) {
  wallet::Wallet w = wallet::Wallet::create_deterministic(ctx, "bench spend seed",
                                                          {.filename = "spend.wlt", .label = "", .timestamp = 0}, 10)
                         .value();
  std::vector<coin::UxOut> unspent;
  for (uint8_t i = 0; i < 100; ++i) {
    coin::UxOut ux;
    ux.head = coin::UxHead{1'600'000'000, 1};
    ux.body.source_transaction.data()[0] = i;
    ux.body.address = w.entries()[i % 10].address;
    ux.body.coins = 1'000'000;
    unspent.push_back(ux);
  }
  const std::vector<wallet::Payment> to{
      {cipher::Address::from_base58("2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6"), 99'500'000}};
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    auto built = wallet::build_transaction(ctx, w, unspent, 1'600'086'400, to);
    times.push_back(seconds_since(start) * 1000);
    if (!built.ok() || built->transaction.inputs.size() != 100) {
      std::fprintf(stderr, "build failed: %s\n", built.ok() ? "wrong input count" : built.fault().to_string().c_str());
      std::exit(1);
    }
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: bench_wallet [--seconds S]\n");
      return 2;
    }
  }
  if (!(seconds > 0)) seconds = 0.2;
  const cipher::Secp256k1 ctx;
  // Batches of the two alternate (which goes first alternates too), each pair from a new seed, until the time is
  // spent. The machine may be shared, so the figures are medians, and the ratio is the median of each pair's own
  // ratio: the two batches of a pair run back to back and see about the same load.
  std::vector<double> wallet_s;
  std::vector<double> raw_s;
  std::vector<double> ratios;
  const auto start = Clock::now();
  for (int i = 0; i < 5 || seconds_since(start) < seconds; ++i) {
    const std::string seed = "bench wallet seed " + std::to_string(i);
    double raw = 0;
    double lib = 0;
    if (i % 2 == 0) {
      raw = raw_batch_seconds(ctx, seed);
      lib = wallet_batch_seconds(ctx, seed);
    } else {
      lib = wallet_batch_seconds(ctx, seed);
      raw = raw_batch_seconds(ctx, seed);
    }
    raw_s.push_back(raw);
    wallet_s.push_back(lib);
    ratios.push_back(raw / lib);
  }
  const double best_wallet = k_batch / median(wallet_s);
  const double best_raw = k_batch / median(raw_s);
  const double ratio = median(ratios);
  const double build_ms = build_sign_100_ms(ctx, std::max(3, static_cast<int>(seconds * 20)));
  std::printf("addresses_per_s      %.0f\nraw_addresses_per_s  %.0f\nbuild_sign_100_ms    %.2f\n", best_wallet,
              best_raw, build_ms);
  std::printf(
      "{\"addresses_per_s\":%.0f,\"raw_addresses_per_s\":%.0f,\"addresses_ratio\":%.3f,\"build_sign_100_ms\":%.3f}\n",
      best_wallet, best_raw, ratio, build_ms);
  return 0;
}
