// Helpers shared by the wallet's source files; not part of the library's API.
#pragma once

#include <string>
#include <string_view>

#include "skymesh/cipher/bytes.hpp"

namespace skymesh::wallet::detail {

inline std::string_view as_text(const cipher::SecretBytes& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline cipher::SecretBytes secret_text(std::string_view text) {
  return cipher::SecretBytes(cipher::as_bytes(text));
}

// The meta keys whose values are secrets: kept out of Wallet::document_ and written "" once encrypted.
inline constexpr std::string_view k_meta_seed = "seed";
inline constexpr std::string_view k_meta_last_seed = "lastSeed";
inline constexpr std::string_view k_meta_seed_passphrase = "seedPassphrase";

}  // namespace skymesh::wallet::detail
