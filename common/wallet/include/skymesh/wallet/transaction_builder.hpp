// Building and signing a payment from a wallet, as Skycoin's wallet does (src/wallet, src/transaction): choose
// unspent outputs (coin_selection.hpp), pay each recipient, send the rest of the coins back to a change address,
// burn the fee the network asks (at least ceil(input hours / burn_factor)) and share the hours left between the
// recipients and the change, then sign every input with the wallet's key for its address. The transaction it
// returns passes coin::check_pool_transaction (hard and soft rules) against a chain whose head block has
// head_time and whose unspent set holds the outputs given; the builder checks that itself before returning.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/coin/transaction.hpp"
#include "skymesh/coin/ux_out.hpp"
#include "skymesh/wallet/error.hpp"
#include "skymesh/wallet/wallet.hpp"

namespace skymesh::wallet {

struct Payment {
  cipher::Address address;
  uint64_t coins = 0;  // droplets
};

// A recipient as people write one: a base58 address and a decimal amount ("1.5"). Errors: invalid_address
// (not a Skycoin address: length, checksum, version), invalid_amount, too_many_decimals.
Result<Payment> parse_payment(std::string_view address, std::string_view coins, uint8_t max_decimals);

struct BuildOptions {
  uint32_t burn_factor = 10;  // coin::SoftRules::burn_factor of the network
  uint8_t max_decimals = 3;   // coin::SoftRules::max_droplet_precision
  uint32_t max_transaction_size = 32768;
  // Percent of the hours left after the fee that go to the recipients (Skycoin's share factor 0.5); the change
  // output keeps the rest. With no change output every hour left goes to the recipients.
  uint32_t hours_share_percent = 50;
  // Where the change goes; the address of the first output spent when absent.
  std::optional<cipher::Address> change_address;
};

struct BuiltTransaction {
  coin::Transaction transaction;   // signed, header updated
  coin::Sha256 id;                 // coin::transaction_id(transaction)
  std::vector<coin::UxOut> spent;  // spent[i] is the output inputs[i] names
  uint64_t fee = 0;                // coin hours burned
  uint64_t input_hours = 0;        // their hours at head_time
  bool has_change = false;         // the last output is the change
};

// Builds and signs a payment to `to` from the wallet's outputs among `unspent` (outputs of other addresses are
// ignored). The wallet must hold its secret keys: an encrypted wallet is refused with wallet_locked (unlock it
// first, or call the overload with its password). Errors: wallet_locked; invalid_argument (no recipient, a zero
// payment, an output listed twice, duplicate outputs, too many inputs for max_transaction_size, options out of
// range); too_many_decimals (a payment finer than max_decimals, or change that would be: the chosen outputs
// hold finer amounts); insufficient_coins; insufficient_hours; entry_not_found (a chosen output's address has
// no secret key in the wallet).
Result<BuiltTransaction> build_transaction(const cipher::Secp256k1& ctx, const Wallet& wallet,
                                           std::span<const coin::UxOut> unspent, uint64_t head_time,
                                           std::span<const Payment> to, const BuildOptions& options = {});

// The same for a wallet that may be encrypted: an encrypted wallet is opened with password for the signing
// only (the wallet itself stays locked, the decrypted copy is wiped). Errors: those above; wallet_locked when
// the wallet is encrypted and password is empty; wrong_password.
Result<BuiltTransaction> build_transaction(const cipher::Secp256k1& ctx, const Wallet& wallet,
                                           std::string_view password, std::span<const coin::UxOut> unspent,
                                           uint64_t head_time, std::span<const Payment> to,
                                           const BuildOptions& options = {});

}  // namespace skymesh::wallet
