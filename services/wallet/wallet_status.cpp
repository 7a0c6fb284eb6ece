#include "wallet_status.hpp"

namespace skymesh::wallet_service {

bus::Status to_status(const wallet::WalletFault& fault) {
  using wallet::WalletError;
  bus::ErrorCode code = bus::ErrorCode::bad_request;
  switch (fault.code) {
    case WalletError::wrong_password:
      code = bus::ErrorCode::unauthorized;
      break;
    case WalletError::wallet_locked:
    case WalletError::not_encrypted:
    case WalletError::already_encrypted:
    case WalletError::insufficient_coins:
    case WalletError::insufficient_hours:
    case WalletError::not_supported:
      code = bus::ErrorCode::failed_precondition;
      break;
    case WalletError::entry_not_found:
      code = bus::ErrorCode::not_found;
      break;
    case WalletError::io_error:
      code = bus::ErrorCode::storage;
      break;
    default:
      break;
  }
  return bus::Status(code, fault.to_string());
}

}  // namespace skymesh::wallet_service
