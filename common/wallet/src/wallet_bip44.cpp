// bip44 wallets (Skycoin's 0.4 layout: accounts[].chains[].entries[]): new addresses on account 0's external
// chain, derived from the chain's extended public key as Skycoin's bip44Chain.newAddresses does, so an
// encrypted wallet derives them too (without their secret keys); an unencrypted one also derives each secret
// key from its seed at m/44'/<bip44Coin>'/0'/0/<child_number> and checks that both agree.
#include <charconv>

#include "skymesh/cipher/bip32.hpp"
#include "skymesh/wallet/bip39.hpp"
#include "skymesh/wallet/wallet.hpp"
#include "wallet_internal.hpp"

namespace skymesh::wallet {

namespace {

constexpr uint32_t k_skycoin_bip44_coin = 8000;  // Skycoin's registered BIP44 coin type

// The member of `list` (an array of objects) whose `key` has the JSON text `value`; nullptr if none.
Json* member_with(Json* list, std::string_view key, std::string_view value) {
  if (list == nullptr || !list->is_array()) return nullptr;
  for (Json& item : list->as_array()) {
    const Json* field = item.find(key);
    if (field != nullptr && (field->is_string() || field->kind() == Json::Kind::number) &&
        field->as_string() == value) {
      return &item;
    }
  }
  return nullptr;
}

}  // namespace

Result<uint32_t> Wallet::bip44_coin() const {
  uint32_t coin = k_skycoin_bip44_coin;
  if (const std::string text = meta_string("bip44Coin"); !text.empty()) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), coin);
    if (ec != std::errc() || end != text.data() + text.size() || coin >= cipher::k_first_hardened_child) {
      return WalletFault{WalletError::malformed_field, "meta.bip44Coin is not a coin number"};
    }
  }
  return coin;
}

Result<std::vector<cipher::Address>> Wallet::generate_bip44(const cipher::Secp256k1& ctx, std::size_t n) {
  Json* account = member_with(document_.find("accounts"), "index", "0");
  Json* chain = account != nullptr ? member_with(account->find("chains"), "chain", "external") : nullptr;
  if (chain == nullptr) {
    return WalletFault{WalletError::not_supported, "the bip44 wallet has no external chain in account 0"};
  }
  auto xpub = cipher::ExtendedPublicKey::try_from_base58(ctx, chain->find("public_key")->as_string());
  if (!xpub) return WalletFault{WalletError::malformed_field, "accounts[0] external chain: " + xpub.message()};
  if (chain->find("entries") == nullptr || chain->find("entries")->is_null()) chain->set("entries", Json::array());
  std::vector<Json>& list = chain->find("entries")->as_array();
  // As Skycoin: the next child number is the chain's entry count.
  const std::size_t first = list.size();
  if (first + n > cipher::k_first_hardened_child) {
    return WalletFault{WalletError::invalid_argument, "a bip44 chain holds at most 2^31 addresses"};
  }
  std::optional<cipher::ExtendedPrivateKey> chain_key;
  if (!encrypted_) {
    auto coin = bip44_coin();
    if (!coin) return coin.fault();
    if (!seed_ || seed_->empty()) return WalletFault{WalletError::invalid_seed, "the wallet has no seed"};
    const cipher::SecretBytes seed = mnemonic_to_seed(
        detail::as_text(*seed_), seed_passphrase_ ? detail::as_text(*seed_passphrase_) : std::string_view());
    const uint32_t path[] = {44 | cipher::k_first_hardened_child, coin.value() | cipher::k_first_hardened_child,
                             cipher::k_first_hardened_child, 0};
    auto master = cipher::ExtendedPrivateKey::master(ctx, seed.view());
    if (!master) return WalletFault{WalletError::invalid_seed, master.message()};
    auto key = master->derive(ctx, path);
    if (!key) return WalletFault{WalletError::invalid_seed, key.message()};
    chain_key = std::move(key).value();
  }

  std::vector<Entry> made;
  for (std::size_t i = 0; i < n; ++i) {
    const uint32_t child_number = static_cast<uint32_t>(first + i);
    auto child = xpub->child(ctx, child_number);
    if (!child) return WalletFault{WalletError::invalid_seed, child.message()};
    Entry e{cipher::Address::from_public_key(child->public_key()), child->public_key(), std::nullopt};
    e.child_number = child_number;
    if (chain_key) {
      auto secret = chain_key->child(ctx, child_number);
      if (!secret || secret->public_key() != e.public_key) {
        return WalletFault{WalletError::entry_mismatch,
                           "the seed does not derive account 0's external chain public key"};
      }
      e.secret_key = secret->secret_key();
    }
    if (find_entry(e.address) != nullptr) {
      return WalletFault{WalletError::duplicate_entry, e.address.to_base58() + " is already in the wallet"};
    }
    made.push_back(std::move(e));
  }

  // Keep entries_ in the file's order: account 0's external entries come before anything after them.
  auto at = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->account == 0 && it->chain == 0) at = it + 1;
  }
  std::vector<cipher::Address> out;
  for (Entry& e : made) {
    list.push_back(Json::object({{"address", Json::string(e.address.to_base58())},
                                 {"public", Json::string(e.public_key.hex())},
                                 {"secret", Json::string(e.secret_key ? e.secret_key->hex() : std::string())},
                                 {"child_number", Json::number(std::to_string(e.child_number))}}));
    out.push_back(e.address);
    at = entries_.insert(at, std::move(e)) + 1;
  }
  return out;
}

}  // namespace skymesh::wallet
