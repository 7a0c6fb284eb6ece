// Wallet::verify_seed: re-derives every entry from the seed. Deterministic wallets follow Skycoin's chain of
// seeds; bip44 wallets use BIP39's seed of the phrase (and meta.seedPassphrase) and the path
// m/44'/<meta.bip44Coin>'/<account>'/<chain>/<child_number>.
#include <charconv>

#include "skymesh/cipher/bip32.hpp"
#include "skymesh/cipher/deterministic.hpp"
#include "skymesh/wallet/bip39.hpp"
#include "skymesh/wallet/wallet.hpp"
#include "wallet_internal.hpp"

namespace skymesh::wallet {

namespace {

WalletFault mismatch(std::size_t index, const std::string& what) {
  return WalletFault{WalletError::entry_mismatch, "entry " + std::to_string(index) + ": " + what};
}

}  // namespace

Result<void> Wallet::verify_seed(const cipher::Secp256k1& ctx) const {
  if (type_ == WalletType::collection) return WalletFault{WalletError::not_supported, "a collection has no seed"};
  if (encrypted_) return WalletFault{WalletError::wallet_locked, "the wallet is encrypted; unlock it to verify"};
  if (!seed_ || seed_->empty()) return WalletFault{WalletError::invalid_seed, "the wallet has no seed"};
  if (type_ == WalletType::bip44) return verify_bip44(ctx);

  auto keys = cipher::deterministic_key_pairs(ctx, seed_->view(), entries_.size());
  if (!keys) return WalletFault{WalletError::invalid_seed, keys.message()};
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (keys->keys[i].public_key != entries_[i].public_key) {
      return mismatch(i, entries_[i].address.to_base58() + " is not the seed's key number " + std::to_string(i));
    }
  }
  const std::string expected_last =
      entries_.empty() ? std::string(detail::as_text(*seed_)) : cipher::to_hex(keys->next_seed.view());
  const std::string_view actual_last = last_seed_ ? detail::as_text(*last_seed_) : std::string_view();
  if (expected_last != actual_last) {
    return WalletFault{WalletError::malformed_field, "meta.lastSeed does not follow the last entry"};
  }
  return {};
}

Result<void> Wallet::verify_bip44(const cipher::Secp256k1& ctx) const {
  auto coin_type = bip44_coin();
  if (!coin_type) return coin_type.fault();
  const uint32_t coin = coin_type.value();
  const cipher::SecretBytes seed = mnemonic_to_seed(
      detail::as_text(*seed_), seed_passphrase_ ? detail::as_text(*seed_passphrase_) : std::string_view());
  auto master = cipher::ExtendedPrivateKey::master(ctx, seed.view());
  if (!master) return WalletFault{WalletError::invalid_seed, master.message()};
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    const uint32_t path[] = {44 | cipher::k_first_hardened_child, coin | cipher::k_first_hardened_child,
                             e.account | cipher::k_first_hardened_child, e.chain, e.child_number};
    auto key = master->derive(ctx, path);
    if (!key) return mismatch(i, key.message());
    if (key->public_key() != e.public_key) {
      return mismatch(i, e.address.to_base58() + " is not the key at its BIP44 path");
    }
  }
  return {};
}

}  // namespace skymesh::wallet
