// Reading request fields into cipher types. A raw bus caller can send Data of any length and Text of any
// content, so every reader checks and answers bad_request naming the field and the problem
// ("signature: expected 65 bytes, got 64"); callers that read list items prefix the item ("items[3].").
#pragma once

#include <string>
#include <string_view>

#include <capnp/blob.h>

#include "skymesh/bus/status.hpp"
#include "skymesh/cipher/cipher.hpp"

namespace skymesh::crypto {

// The bytes of a Data field, valid while its message lives.
inline cipher::ByteView view(capnp::Data::Reader data) {
  return cipher::ByteView(data.begin(), data.size());
}
inline std::string_view view(capnp::Text::Reader text) {
  return std::string_view(text.cStr(), text.size());
}

// bad_request "<field>: <message>".
bus::Status bad_field(std::string_view field, std::string_view message);

bus::Result<cipher::Sha256> read_digest(capnp::Data::Reader data, std::string_view field);
bus::Result<cipher::Signature> read_signature(capnp::Data::Reader data, std::string_view field);
// 32 bytes, 0 < k < n. The key wipes itself; no other copy is made.
bus::Result<cipher::SecretKey> read_secret(capnp::Data::Reader data, std::string_view field);
// 33 bytes, compressed, on the curve.
bus::Result<cipher::PublicKey> read_public(const cipher::Secp256k1& ctx, capnp::Data::Reader data,
                                           std::string_view field);
// Base58, 25 bytes decoded, checksum, version 0.
bus::Result<cipher::Address> read_address(std::string_view text, std::string_view field);

// For requests that take exactly one of `public` and `address`: bad_request unless exactly one is non-empty.
bus::Status require_one_of_public_address(capnp::Data::Reader public_key, capnp::Text::Reader address);

}  // namespace skymesh::crypto
