#include "skymesh/wallet/transaction_builder.hpp"

#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "skymesh/coin/block.hpp"
#include "skymesh/coin/params.hpp"
#include "skymesh/coin/rules.hpp"
#include "skymesh/wallet/amount.hpp"
#include "skymesh/wallet/coin_selection.hpp"

namespace skymesh::wallet {
namespace {

WalletFault invalid(std::string message) {
  return WalletFault{WalletError::invalid_argument, std::move(message)};
}

// Droplets per step of the smallest amount max_decimals allows (1000 for 3 decimals).
uint64_t precision_step(uint8_t max_decimals) {
  uint64_t step = 1;
  for (uint8_t i = max_decimals; i < coin::k_droplet_exponent; ++i) step *= 10;
  return step;
}

Result<uint64_t> check_payments(std::span<const Payment> to, const BuildOptions& options) {
  if (to.empty()) return invalid("no recipient");
  if (to.size() > 65534) return invalid("too many recipients: " + std::to_string(to.size()));
  const uint64_t step = precision_step(options.max_decimals);
  uint64_t total = 0;
  for (std::size_t i = 0; i < to.size(); ++i) {
    const std::string where = "to[" + std::to_string(i) + "] (" + to[i].address.to_base58() + ")";
    if (to[i].coins == 0) return invalid(where + ": zero coins");
    if (to[i].coins % step != 0) {
      return WalletFault{WalletError::too_many_decimals, where + ": " + format_coins(to[i].coins) + " has more than " +
                                                             std::to_string(options.max_decimals) + " decimals"};
    }
    if (__builtin_add_overflow(total, to[i].coins, &total) || total > coin::k_max_droplet_supply) {
      return WalletFault{WalletError::invalid_amount, "the payments together exceed the coin supply"};
    }
  }
  return total;
}

Result<void> check_options(const BuildOptions& options) {
  if (options.burn_factor == 0) return invalid("burn_factor must be at least 1");
  if (options.max_decimals > coin::k_droplet_exponent) return invalid("max_decimals must be 0..6");
  if (options.hours_share_percent > 100) return invalid("hours_share_percent must be 0..100");
  return {};
}

// The outputs: one per payment with its share of the recipients' hours, then the change (if any coins remain).
std::vector<coin::TransactionOutput> make_outputs(std::span<const Payment> to, uint64_t recipients_hours,
                                                  const std::optional<coin::TransactionOutput>& change) {
  std::vector<uint64_t> coins;
  coins.reserve(to.size());
  for (const Payment& p : to) coins.push_back(p.coins);
  const std::vector<uint64_t> hours = distribute_hours(recipients_hours, coins);
  std::vector<coin::TransactionOutput> outputs;
  outputs.reserve(to.size() + 1);
  for (std::size_t i = 0; i < to.size(); ++i) outputs.push_back({to[i].address, to[i].coins, hours[i]});
  if (change) outputs.push_back(*change);
  return outputs;
}

Result<void> check_no_duplicate_outputs(const std::vector<coin::TransactionOutput>& outputs) {
  std::set<std::tuple<std::string, uint64_t, uint64_t>> seen;
  for (const coin::TransactionOutput& o : outputs) {
    if (!seen.emplace(o.address.to_base58(), o.coins, o.hours).second) {
      return invalid("two outputs would be identical (" + o.address.to_base58() + ", " + format_coins(o.coins) +
                     " SKY, " + std::to_string(o.hours) +
                     " hours), which Skycoin refuses; merge them or change an amount");
    }
  }
  return {};
}

// The builder's own check that the result passes the pool's rules; a failure here is a builder bug.
Result<void> self_check(const cipher::Secp256k1& ctx, const coin::Transaction& tx, uint64_t head_time,
                        std::span<const coin::UxOut> spent, const BuildOptions& options) {
  coin::BlockHeader head;
  head.time = head_time;
  coin::Check hard = coin::check_transaction_hard(ctx, tx, head, spent, coin::TxContext::single);
  if (!hard.ok()) return invalid("the built transaction breaks a hard rule: " + hard.fault().to_string());
  coin::SoftRules rules;
  rules.burn_factor = options.burn_factor;
  rules.max_transaction_size = options.max_transaction_size;
  rules.max_droplet_precision = options.max_decimals;
  coin::Check soft = coin::check_transaction_soft(tx, head_time, spent, rules);
  if (!soft.ok()) return invalid("the built transaction breaks a soft rule: " + soft.fault().to_string());
  return {};
}

}  // namespace

Result<Payment> parse_payment(std::string_view address, std::string_view coins, uint8_t max_decimals) {
  auto parsed = cipher::Address::try_from_base58(address);
  if (!parsed.ok()) {
    return WalletFault{WalletError::invalid_address,
                       "\"" + std::string(address.substr(0, 64)) +
                           "\" is not a Skycoin address: " + std::string(cipher::cipher_error_name(parsed.error()))};
  }
  auto droplets = parse_coins(coins, max_decimals);
  if (!droplets.ok()) return droplets.fault();
  return Payment{parsed.value(), droplets.value()};
}

Result<BuiltTransaction> build_transaction(const cipher::Secp256k1& ctx, const Wallet& wallet,
                                           std::span<const coin::UxOut> unspent, uint64_t head_time,
                                           std::span<const Payment> to, const BuildOptions& options) {
  if (auto ok = check_options(options); !ok.ok()) return ok.fault();
  auto total = check_payments(to, options);
  if (!total.ok()) return total.fault();
  if (wallet.is_encrypted()) {
    return WalletFault{WalletError::wallet_locked, "the wallet is encrypted: its password is needed to sign"};
  }
  std::vector<coin::UxOut> owned;
  for (const coin::UxOut& ux : unspent) {
    if (wallet.find_entry(ux.body.address) != nullptr) owned.push_back(ux);
  }
  auto available = spendables_at(owned, head_time);
  if (!available.ok()) return available.fault();
  auto chosen = choose_spends(available.value(), total.value(), 0, options.burn_factor);
  if (!chosen.ok()) return chosen.fault();

  BuiltTransaction built;
  uint64_t input_coins = 0;
  for (const Spendable& s : chosen.value()) {
    built.transaction.inputs.push_back(s.id);
    built.spent.push_back(s.ux);
    input_coins += s.ux.body.coins;  // no overflow: choose_spends stopped at the payment, within the supply
    built.input_hours += s.hours;
  }
  const uint64_t remaining = remaining_hours(built.input_hours, options.burn_factor);
  const uint64_t change_coins = input_coins - total.value();
  if (change_coins % precision_step(options.max_decimals) != 0) {
    return WalletFault{WalletError::too_many_decimals, "the change would be " + format_coins(change_coins) +
                                                           " SKY, finer than " + std::to_string(options.max_decimals) +
                                                           " decimals (the outputs spent hold such amounts)"};
  }
  std::optional<coin::TransactionOutput> change;
  uint64_t recipients_hours = remaining;
  if (change_coins > 0) {
    recipients_hours =
        static_cast<uint64_t>(static_cast<unsigned __int128>(remaining) * options.hours_share_percent / 100);
    change = coin::TransactionOutput{options.change_address.value_or(built.spent.front().body.address), change_coins,
                                     remaining - recipients_hours};
  }
  built.has_change = change.has_value();
  built.transaction.outputs = make_outputs(to, recipients_hours, change);
  if (auto ok = check_no_duplicate_outputs(built.transaction.outputs); !ok.ok()) return ok.fault();

  std::vector<cipher::SecretKey> keys;
  keys.reserve(built.spent.size());
  for (const coin::UxOut& ux : built.spent) {
    auto key = wallet.secret_key(ux.body.address);
    if (!key.ok()) return key.fault();
    keys.push_back(key.value());
  }
  coin::sign_inputs(ctx, built.transaction, keys);
  if (coin::encoded_size(built.transaction) > options.max_transaction_size) {
    return invalid("the payment needs " + std::to_string(built.spent.size()) + " inputs, a transaction of " +
                   std::to_string(coin::encoded_size(built.transaction)) + " bytes; at most " +
                   std::to_string(options.max_transaction_size) + " are allowed");
  }
  auto fee = coin::transaction_fee(built.transaction, head_time, built.spent);
  if (!fee.ok()) return invalid("fee: " + fee.fault().to_string());
  built.fee = fee.value();
  if (auto ok = self_check(ctx, built.transaction, head_time, built.spent, options); !ok.ok()) return ok.fault();
  built.id = coin::transaction_id(built.transaction);
  return built;
}

Result<BuiltTransaction> build_transaction(const cipher::Secp256k1& ctx, const Wallet& wallet,
                                           std::string_view password, std::span<const coin::UxOut> unspent,
                                           uint64_t head_time, std::span<const Payment> to,
                                           const BuildOptions& options) {
  if (!wallet.is_encrypted()) return build_transaction(ctx, wallet, unspent, head_time, to, options);
  if (password.empty()) {
    return WalletFault{WalletError::wallet_locked, "the wallet is encrypted: its password is needed to sign"};
  }
  auto open = wallet.unlock(ctx, password);
  if (!open.ok()) return open.fault();
  return build_transaction(ctx, open.value(), unspent, head_time, to, options);
}

}  // namespace skymesh::wallet
