// Wallet::serialize: Skycoin's file layout (json.MarshalIndent with 4 spaces; meta is a Go map, so its keys
// come out sorted; entries as address, public_key, secret_key).
#include <algorithm>

#include "skymesh/wallet/wallet.hpp"
#include "wallet_internal.hpp"

namespace skymesh::wallet {

namespace {

// Strings that held secrets are wiped before the temporary document dies.
struct WipedDocument {
  Json value;
  ~WipedDocument() { value.wipe(); }
};

}  // namespace

std::string Wallet::serialize() const {
  WipedDocument doc{document_};
  Json* meta = doc.value.find("meta");
  auto put_secret = [&](std::string_view key, const std::optional<cipher::SecretBytes>& secret) {
    if (!secret) return;
    meta->set(key, Json::string(encrypted_ ? std::string() : std::string(detail::as_text(*secret))));
  };
  put_secret(detail::k_meta_seed, seed_);
  put_secret(detail::k_meta_last_seed, last_seed_);
  put_secret(detail::k_meta_seed_passphrase, seed_passphrase_);
  auto& members = meta->as_object();
  std::sort(members.begin(), members.end(),
            [](const Json::Member& a, const Json::Member& b) { return a.first < b.first; });

  if (type_ != WalletType::bip44) {
    std::vector<Json> list;
    list.reserve(entries_.size());
    for (const Entry& e : entries_) {
      Json item = Json::object();
      item.set("address", Json::string(e.address.to_base58()));
      item.set("public_key", Json::string(e.public_key.hex()));
      item.set("secret_key", Json::string(e.secret_key && !encrypted_ ? e.secret_key->hex() : std::string()));
      for (const auto& [key, value] : e.extra.as_object()) item.set(key, value);
      list.push_back(std::move(item));
    }
    doc.value.set("entries", Json::array(std::move(list)));
  }
  return write_json(doc.value, 4);
}

}  // namespace skymesh::wallet
