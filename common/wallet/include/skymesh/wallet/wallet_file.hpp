// Wallet files on disk. Writes are atomic: the bytes go to a temporary file in the same folder (mode 0600),
// which is fsynced, renamed over the target, and the folder is fsynced; a crash at any point leaves either
// the old file or the new one, whole.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/wallet/error.hpp"
#include "skymesh/wallet/wallet.hpp"

namespace skymesh::wallet {

// Test hook: called after the temporary file is written and synced, before the rename (a test can pause or
// kill the writer there).
struct WriteHooks {
  std::function<void(const std::filesystem::path& temporary)> before_rename;
};

// Largest wallet file read (a file past this is refused as malformed, not loaded).
constexpr std::size_t k_max_wallet_file_bytes = 64u << 20;

// Replaces path's contents atomically with bytes, mode 0600. Errors: io_error (with errno text); on error the
// temporary file is removed and path is untouched.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view bytes, const WriteHooks& hooks = {});

// The whole file. Errors: io_error, malformed_json (larger than k_max_wallet_file_bytes).
Result<std::string> read_file(const std::filesystem::path& path);

// read_file + Wallet::parse.
Result<Wallet> load_wallet(const cipher::Secp256k1& ctx, const std::filesystem::path& path);
// Wallet::serialize + write_file_atomic.
Result<void> save_wallet(const std::filesystem::path& path, const Wallet& wallet, const WriteHooks& hooks = {});

}  // namespace skymesh::wallet
