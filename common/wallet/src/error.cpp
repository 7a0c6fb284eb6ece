#include "skymesh/wallet/error.hpp"

namespace skymesh::wallet {

std::string_view wallet_error_name(WalletError code) {
  switch (code) {
    case WalletError::io_error:
      return "io_error";
    case WalletError::malformed_json:
      return "malformed_json";
    case WalletError::malformed_field:
      return "malformed_field";
    case WalletError::unsupported_wallet_type:
      return "unsupported_wallet_type";
    case WalletError::unsupported_coin:
      return "unsupported_coin";
    case WalletError::unsupported_crypto_type:
      return "unsupported_crypto_type";
    case WalletError::wrong_password:
      return "wrong_password";
    case WalletError::wallet_locked:
      return "wallet_locked";
    case WalletError::not_encrypted:
      return "not_encrypted";
    case WalletError::already_encrypted:
      return "already_encrypted";
    case WalletError::missing_password:
      return "missing_password";
    case WalletError::invalid_mnemonic:
      return "invalid_mnemonic";
    case WalletError::invalid_seed:
      return "invalid_seed";
    case WalletError::invalid_address:
      return "invalid_address";
    case WalletError::entry_mismatch:
      return "entry_mismatch";
    case WalletError::duplicate_entry:
      return "duplicate_entry";
    case WalletError::not_supported:
      return "not_supported";
    case WalletError::invalid_argument:
      return "invalid_argument";
    case WalletError::entry_not_found:
      return "entry_not_found";
    case WalletError::invalid_amount:
      return "invalid_amount";
    case WalletError::too_many_decimals:
      return "too_many_decimals";
    case WalletError::insufficient_coins:
      return "insufficient_coins";
    case WalletError::insufficient_hours:
      return "insufficient_hours";
  }
  return "unknown";
}

std::string WalletFault::to_string() const {
  return std::string(wallet_error_name(code)) + ": " + message;
}

WalletException::WalletException(WalletFault fault) : std::runtime_error(fault.to_string()), code_(fault.code) {}

}  // namespace skymesh::wallet
