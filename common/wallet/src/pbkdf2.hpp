// PBKDF2 with HMAC-SHA512 (RFC 8018) on libsodium's HMAC, private to the wallet library (BIP39 seeds).
#pragma once

#include <cstdint>
#include <span>

#include "skymesh/cipher/bytes.hpp"

namespace skymesh::wallet::detail {

// Fills out (any length) from password and salt with the given number of iterations (>= 1).
void pbkdf2_hmac_sha512(std::span<uint8_t> out, cipher::ByteView password, cipher::ByteView salt, uint32_t iterations);

}  // namespace skymesh::wallet::detail
