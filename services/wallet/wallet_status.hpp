// How the wallet library's errors travel on the bus: a stable bus code chosen by who must act (the caller's
// input, the wallet's state, the password), the library's error name and message kept in the text.
#pragma once

#include "skymesh/bus/status.hpp"
#include "skymesh/wallet/error.hpp"

namespace skymesh::wallet_service {

// wrong_password -> unauthorized; wallet_locked, not_encrypted, already_encrypted, insufficient_coins,
// insufficient_hours -> failed_precondition; entry_not_found -> not_found; io_error -> storage; the rest of the
// caller's mistakes -> bad_request. The message is "<wallet error name>: <message>".
bus::Status to_status(const wallet::WalletFault& fault);

template <typename T>
bus::Status to_status(const wallet::Result<T>& result) {
  return result.ok() ? bus::Status() : to_status(result.fault());
}

}  // namespace skymesh::wallet_service
