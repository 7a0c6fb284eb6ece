// What the wallet serverlet's chain methods share: byte views between Cap'n Proto and the cipher library, and how
// a chain serverlet's refusal is reported to the wallet's caller.
#pragma once

#include <string>

#include "skymesh/bus/status.hpp"
#include "skymesh/cipher/bytes.hpp"
#include "skymesh/proto/chain.capnp.h"

namespace skymesh::wallet_service {

inline capnp::Data::Reader data_of(cipher::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}

inline cipher::ByteView view_of(capnp::Data::Reader data) {
  return cipher::ByteView(data.begin(), data.size());
}

// The chain's answer to a malformed request is our bug, not the caller's: internal, naming the method.
inline bus::Status chain_error(const bus::Status& status, const std::string& method) {
  bus::ErrorCode code = status.code();
  if (code == bus::ErrorCode::bad_request || code == bus::ErrorCode::bad_payload_type) code = bus::ErrorCode::internal;
  return bus::Status(code, method + ": " + status.message());
}

inline bus::Status no_chain() {
  return bus::Status(bus::ErrorCode::failed_precondition, "this wallet serverlet was started without --chain");
}

}  // namespace skymesh::wallet_service
