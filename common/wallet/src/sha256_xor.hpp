// Skycoin's legacy sha256-xor secrets decryption (read only), private to the wallet library.
#pragma once

#include <string_view>

#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/wallet/error.hpp"

namespace skymesh::wallet::detail {

Result<cipher::SecretBytes> sha256_xor_decrypt(const cipher::Secp256k1& ctx, cipher::ByteView blob,
                                               std::string_view password);

}  // namespace skymesh::wallet::detail
