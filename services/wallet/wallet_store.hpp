// The wallet files of one serverlet: DATA/wallets/<id> where the id is the file name ("2026_11_27_ab12.wlt").
// Every change is read-modify-write of one file through save_wallet (atomic rename), so a refused or failed
// request leaves the file as it was. Not thread-safe: the serverlet's handlers run on one reactor thread.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/wallet/wallet.hpp"

namespace skymesh::wallet_service {

class WalletStore {
 public:
  // Creates DATA/wallets (mode 0700) if needed. Throws std::filesystem::filesystem_error if it cannot.
  WalletStore(const cipher::Secp256k1& ctx, std::filesystem::path data_dir);

  // The ids of the wallet files, sorted.
  std::vector<std::string> ids() const;
  // Errors: invalid_argument for an id that is not a plain "*.wlt" file name; entry_not_found (no such wallet);
  // those of load_wallet.
  wallet::Result<wallet::Wallet> load(std::string_view id) const;
  // Writes the wallet under its filename. Errors: those of save_wallet.
  wallet::Result<void> save(const wallet::Wallet& wallet) const;
  // A new unused id: YYYY_MM_DD_xxxx.wlt (UTC date, 4 random hex digits, as Skycoin names wallets).
  std::string new_id() const;
  bool exists(std::string_view id) const;

  // Transaction ids this serverlet sent from a wallet (hex, one a line in DATA/wallets/<id>.sent).
  std::vector<std::string> sent(std::string_view id) const;
  wallet::Result<void> record_sent(std::string_view id, const std::string& txid_hex) const;

 private:
  const cipher::Secp256k1& ctx_;
  std::filesystem::path dir_;
};

}  // namespace skymesh::wallet_service
