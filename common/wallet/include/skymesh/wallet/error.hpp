// Errors of the wallet library as values. Everything that reads a file, a password or outside JSON returns
// Result<T>: a value, or a WalletError code with a message naming what was wrong (the field, the offset, the
// address). Reading a failed Result's value() is a bug and throws WalletException, never undefined behaviour.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "skymesh/base/expected.hpp"

namespace skymesh::wallet {

// Numbers are stable: they never change meaning and are never reused.
enum class WalletError : uint8_t {
  io_error = 1,                 // the file cannot be read, written, synced or renamed (message has errno text)
  malformed_json = 2,           // not strict JSON (message has the byte offset)
  malformed_field = 3,          // a field is missing or has the wrong form (message names it: "meta.lastSeed")
  unsupported_wallet_type = 4,  // meta.type is not deterministic, collection or bip44
  unsupported_coin = 5,         // meta.coin is not skycoin (bitcoin wallets are not handled)
  unsupported_crypto_type = 6,  // meta.cryptoType unknown, or not usable for this operation
  wrong_password = 7,           // the password does not open the secrets (or they were tampered with)
  wallet_locked = 8,            // the wallet is encrypted and the operation needs its secrets
  not_encrypted = 9,            // unlock asked of a wallet that is not encrypted
  already_encrypted = 10,       // lock asked of a wallet that is encrypted
  missing_password = 11,        // empty password
  invalid_mnemonic = 12,        // word not in the BIP39 list, wrong word count or checksum
  invalid_seed = 13,            // empty seed, or a seed that cannot derive keys
  invalid_address = 14,         // not a Skycoin base58 address (length, checksum or version)
  entry_mismatch = 15,          // an entry's address, public key and secret key do not belong together
  duplicate_entry = 16,         // the same address twice in one wallet
  not_supported = 17,           // the operation is not defined for this wallet type
  invalid_argument = 18,        // caller's bad input (zero count, empty filename, ...)
  entry_not_found = 19,         // no entry with this address
  invalid_amount = 20,          // a coin amount that is empty, negative, not a number or past the supply
  too_many_decimals = 21,       // a coin amount with more decimals than the network allows
  insufficient_coins = 22,      // the wallet's unspent outputs hold fewer coins than the payment
  insufficient_hours = 23,      // the outputs hold too few coin hours to pay the burn fee
};

// Stable lower-case name, e.g. "wrong_password". Used in logs and JSON replies.
std::string_view wallet_error_name(WalletError code);

struct WalletFault {
  WalletError code;
  std::string message;
  // "code_name: message"
  std::string to_string() const;
};

class WalletException : public std::runtime_error {
 public:
  explicit WalletException(WalletFault fault);
  WalletError code() const noexcept { return code_; }

 private:
  WalletError code_;
};

// A value or a WalletFault (skymesh/base/expected.hpp); reading the value of a failed Result throws
// WalletException. Result<void> is the result of a check.
template <typename T>
using Result = base::Expected<T, WalletFault, WalletException>;

}  // namespace skymesh::wallet
