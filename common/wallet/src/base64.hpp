// Standard base64 with padding (Go's base64.StdEncoding), private to the wallet library: the encrypted
// secrets blob and the salt/nonce inside its header use it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "skymesh/cipher/bytes.hpp"

namespace skymesh::wallet::detail {

std::string base64_encode(cipher::ByteView bytes);
// Strict: length a multiple of 4, padding only at the end, no whitespace. nullopt when malformed.
std::optional<cipher::Bytes> base64_decode(std::string_view text);

}  // namespace skymesh::wallet::detail
