#include "wallet_store.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "skymesh/wallet/wallet_file.hpp"

namespace skymesh::wallet_service {
namespace {

bool plain_wallet_name(std::string_view id) {
  if (id.size() < 5 || id.size() > 128 || !id.ends_with(".wlt") || id.front() == '.') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

}  // namespace

WalletStore::WalletStore(const cipher::Secp256k1& ctx, std::filesystem::path data_dir)
    : ctx_(ctx), dir_(std::move(data_dir) / "wallets") {
  std::filesystem::create_directories(dir_);
  std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
}

std::vector<std::string> WalletStore::ids() const {
  std::vector<std::string> out;
  for (const auto& item : std::filesystem::directory_iterator(dir_)) {
    const std::string name = item.path().filename().string();
    if (item.is_regular_file() && plain_wallet_name(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool WalletStore::exists(std::string_view id) const {
  return plain_wallet_name(id) && std::filesystem::exists(dir_ / std::string(id));
}

wallet::Result<wallet::Wallet> WalletStore::load(std::string_view id) const {
  if (!plain_wallet_name(id)) {
    return wallet::WalletFault{wallet::WalletError::invalid_argument,
                               "id \"" + std::string(id.substr(0, 64)) + "\" is not a wallet file name (*.wlt)"};
  }
  if (!exists(id)) {
    return wallet::WalletFault{wallet::WalletError::entry_not_found, "no wallet " + std::string(id)};
  }
  return wallet::load_wallet(ctx_, (dir_ / std::string(id)).string());
}

wallet::Result<void> WalletStore::save(const wallet::Wallet& wallet) const {
  return wallet::save_wallet((dir_ / wallet.filename()).string(), wallet);
}

std::string WalletStore::new_id() const {
  for (;;) {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char name[64];
    std::snprintf(name, sizeof name, "%04d_%02d_%02d_%04x.wlt", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                  static_cast<unsigned>(randombytes_uniform(0x10000)));
    if (!exists(name)) return name;
  }
}

std::vector<std::string> WalletStore::sent(std::string_view id) const {
  std::vector<std::string> out;
  if (!plain_wallet_name(id)) return out;
  std::ifstream in(dir_ / (std::string(id) + ".sent"));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

wallet::Result<void> WalletStore::record_sent(std::string_view id, const std::string& txid_hex) const {
  std::vector<std::string> lines = sent(id);
  lines.push_back(txid_hex);
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return wallet::write_file_atomic((dir_ / (std::string(id) + ".sent")).string(), text);
}

}  // namespace skymesh::wallet_service
