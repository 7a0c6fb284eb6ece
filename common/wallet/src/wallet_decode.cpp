// Wallet::parse: the checks Skycoin's wallet loaders make, with an error that names the field.
#include <charconv>

#include <sodium.h>

#include "skymesh/cipher/bip32.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/wallet/wallet.hpp"
#include "wallet_internal.hpp"

namespace skymesh::wallet {

namespace {

WalletFault field_error(const std::string& field, const std::string& what) {
  return WalletFault{WalletError::malformed_field, field + ": " + what};
}

// Go's strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") return false;
  return std::nullopt;
}

// Optional string member: nullopt when absent, error when present but not a string.
Result<std::optional<std::string>> string_member(const Json& object, std::string_view key, const std::string& where) {
  const Json* v = object.find(key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return field_error(where + "." + std::string(key), "must be a string");
  return std::optional<std::string>(v->as_string());
}

// The three key fields of one entry object (Skycoin's readableEntry, or a bip44 entry's address/public/secret).
struct RawKeys {
  std::string address, public_key, secret_key;
};

Result<Entry> decode_keys(const cipher::Secp256k1& ctx, const RawKeys& raw, const std::string& where,
                          std::string_view public_name, std::string_view secret_name) {
  auto address = cipher::Address::try_from_base58(raw.address);
  if (!address) return WalletFault{WalletError::invalid_address, where + ".address: " + address.message()};
  auto pub = cipher::PublicKey::try_from_hex(ctx, raw.public_key);
  if (!pub) return field_error(where + "." + std::string(public_name), pub.message());
  if (cipher::Address::from_public_key(pub.value()) != address.value()) {
    return WalletFault{WalletError::entry_mismatch, where + ": address " + raw.address + " is not the public key's"};
  }
  Entry e{address.value(), pub.value(), std::nullopt};
  if (!raw.secret_key.empty()) {
    auto secret = cipher::SecretKey::try_from_hex(raw.secret_key);
    if (!secret) return field_error(where + "." + std::string(secret_name), secret.message());
    if (cipher::public_key_from_secret(ctx, secret.value()) != e.public_key) {
      return WalletFault{WalletError::entry_mismatch, where + ": secret key does not belong to " + raw.address};
    }
    e.secret_key = secret.value();
  }
  return e;
}

// Reads the named members of an entry object, leaving the others in extra.
Result<RawKeys> take_keys(const Json& object, const std::string& where, std::string_view a, std::string_view p,
                          std::string_view s, Json& extra) {
  if (!object.is_object()) return field_error(where, "must be an object");
  RawKeys raw;
  for (const auto& [key, value] : object.as_object()) {
    std::string* slot = key == a ? &raw.address : key == p ? &raw.public_key : key == s ? &raw.secret_key : nullptr;
    if (slot == nullptr) {
      extra.set(key, value);
      continue;
    }
    if (!value.is_string()) return field_error(where + "." + key, "must be a string");
    *slot = value.as_string();
  }
  return raw;
}

}  // namespace

Result<Wallet> Wallet::parse(const cipher::Secp256k1& ctx, std::string_view text) {
  auto doc = parse_json(text);
  if (!doc) return doc.fault();
  if (!doc->is_object()) return field_error("(top level)", "a wallet file is a JSON object");
  Wallet w;
  w.document_ = std::move(doc).value();
  Json* meta = w.document_.find("meta");
  if (meta == nullptr || !meta->is_object()) return field_error("meta", "missing or not an object");

  // The meta values this library reads must be strings (Skycoin's meta is map[string]string).
  for (std::string_view key : {"type", "coin", "filename", "tm", "encrypted", "cryptoType", "secrets", "seed",
                               "lastSeed", "seedPassphrase", "bip44Coin", "version", "label"}) {
    auto v = string_member(*meta, key, "meta");
    if (!v) return v.fault();
  }
  const std::string type = w.meta_string("type");
  if (meta->find("type") == nullptr) return field_error("meta.type", "missing");
  if (type == "deterministic") {
    w.type_ = WalletType::deterministic;
  } else if (type == "collection") {
    w.type_ = WalletType::collection;
  } else if (type == "bip44") {
    w.type_ = WalletType::bip44;
  } else {
    return WalletFault{WalletError::unsupported_wallet_type, "meta.type \"" + type + "\" is not supported"};
  }

  const std::string coin = w.meta_string("coin");
  if (coin.empty()) return field_error("meta.coin", "missing");
  if (coin == "sky") w.set_meta_string("coin", "skycoin");  // Skycoin normalises the short name
  if (coin != "skycoin" && coin != "sky") {
    return WalletFault{WalletError::unsupported_coin, "meta.coin \"" + coin + "\": only skycoin wallets are handled"};
  }
  if (w.meta_string("filename").empty()) return field_error("meta.filename", "missing");
  const std::string tm = w.meta_string("tm");
  if (!tm.empty()) {
    int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(tm.data(), tm.data() + tm.size(), seconds);
    if (ec != std::errc() || end != tm.data() + tm.size()) return field_error("meta.tm", "not an integer");
  }
  if (meta->find("encrypted") != nullptr) {
    auto encrypted = parse_go_bool(w.meta_string("encrypted"));
    if (!encrypted) return field_error("meta.encrypted", "must be \"true\" or \"false\"");
    w.encrypted_ = *encrypted;
  }

  // Secrets leave the document: they live in wiped memory only.
  auto take_secret = [&](std::string_view key, std::optional<cipher::SecretBytes>& slot) {
    if (Json* v = meta->find(key)) {
      slot = detail::secret_text(v->as_string());
      v->wipe();
      meta->erase(key);
    }
  };
  take_secret(detail::k_meta_seed, w.seed_);
  take_secret(detail::k_meta_last_seed, w.last_seed_);
  take_secret(detail::k_meta_seed_passphrase, w.seed_passphrase_);
  auto has_secret = [](const std::optional<cipher::SecretBytes>& s) { return s && !s->empty(); };

  if (w.encrypted_) {
    if (auto ct = parse_crypto_type(w.meta_string("cryptoType")); !ct) return ct.fault();
    if (w.meta_string("secrets").empty()) return field_error("meta.secrets", "missing in an encrypted wallet");
    if (has_secret(w.seed_)) return field_error("meta.seed", "must be empty in an encrypted wallet");
    if (has_secret(w.last_seed_)) return field_error("meta.lastSeed", "must be empty in an encrypted wallet");
    if (has_secret(w.seed_passphrase_))
      return field_error("meta.seedPassphrase", "must be empty in an encrypted wallet");
  } else if (!w.meta_string("secrets").empty()) {
    return field_error("meta.secrets", "must be empty in a wallet that is not encrypted");
  }

  if (w.type_ == WalletType::collection && (has_secret(w.seed_) || has_secret(w.last_seed_))) {
    return field_error("meta.seed", "a collection wallet has no seed");
  }
  if (w.type_ != WalletType::collection && !w.encrypted_ && !has_secret(w.seed_)) {
    return field_error("meta.seed", "missing in an unencrypted " + type + " wallet");
  }
  if (w.type_ == WalletType::deterministic && !w.encrypted_ && !has_secret(w.last_seed_)) {
    return field_error("meta.lastSeed", "missing in an unencrypted deterministic wallet");
  }

  if (const Json* flat = w.document_.find("entries");
      w.type_ == WalletType::bip44 && flat != nullptr && flat->is_array() && !flat->as_array().empty()) {
    return field_error("entries", "a bip44 wallet keeps its entries under accounts[].chains[] (Skycoin 0.4 layout)");
  }
  auto decoded = w.type_ == WalletType::bip44 ? w.decode_bip44_accounts(ctx) : w.decode_entries(ctx);
  if (!decoded) return decoded.fault();

  if (w.type_ == WalletType::deterministic && !w.encrypted_ && !w.entries_.empty()) {
    auto hex = cipher::try_from_hex(detail::as_text(*w.last_seed_));
    if (!hex || hex->empty()) return field_error("meta.lastSeed", "not hex");
  }
  return w;
}

Result<void> Wallet::decode_entries(const cipher::Secp256k1& ctx) {
  const Json* list = document_.find("entries");
  if (list == nullptr || list->is_null()) return {};
  if (!list->is_array()) return field_error("entries", "must be an array");
  const auto& items = list->as_array();
  entries_.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string where = "entries[" + std::to_string(i) + "]";
    Json extra = Json::object();
    auto raw = take_keys(items[i], where, "address", "public_key", "secret_key", extra);
    if (!raw) return raw.fault();
    if (encrypted_ && !raw->secret_key.empty()) {
      return field_error(where + ".secret_key", "must be empty in an encrypted wallet");
    }
    auto entry = decode_keys(ctx, raw.value(), where, "public_key", "secret_key");
    sodium_memzero(raw->secret_key.data(), raw->secret_key.size());
    if (!entry) return entry.fault();
    if (find_entry(entry->address) != nullptr) {
      return WalletFault{WalletError::duplicate_entry, where + ": " + entry->address.to_base58() + " appears twice"};
    }
    entry->extra = std::move(extra);
    entries_.push_back(std::move(entry).value());
  }
  // The document keeps no secret keys: entries are rebuilt from entries_ when written.
  document_.find("entries")->wipe();
  document_.set("entries", Json::array());
  return {};
}

Result<void> Wallet::decode_bip44_accounts(const cipher::Secp256k1& ctx) {
  const Json* accounts = document_.find("accounts");
  if (accounts == nullptr || accounts->is_null()) return {};
  if (!accounts->is_array()) return field_error("accounts", "must be an array");
  for (std::size_t a = 0; a < accounts->as_array().size(); ++a) {
    const Json& account = accounts->as_array()[a];
    const std::string aw = "accounts[" + std::to_string(a) + "]";
    const Json* index = account.find("index");
    const Json* chains = account.find("chains");
    if (index == nullptr || index->kind() != Json::Kind::number) return field_error(aw + ".index", "missing");
    if (chains == nullptr || !chains->is_array()) return field_error(aw + ".chains", "missing or not an array");
    uint32_t account_index = 0;
    const std::string& itext = index->as_string();
    if (std::from_chars(itext.data(), itext.data() + itext.size(), account_index).ec != std::errc()) {
      return field_error(aw + ".index", "not an unsigned integer");
    }
    for (std::size_t c = 0; c < chains->as_array().size(); ++c) {
      const Json& chain = chains->as_array()[c];
      const std::string cw = aw + ".chains[" + std::to_string(c) + "]";
      auto chain_name = string_member(chain, "chain", cw);
      if (!chain_name) return chain_name.fault();
      const std::string name = chain_name->value_or("");
      if (name != "external" && name != "change") return field_error(cw + ".chain", "must be external or change");
      // The chain's extended public key derives every entry of the chain, so addresses are checked (and new
      // ones derived) without any secret, as Skycoin's bip44Chain.newAddresses does.
      auto xpub_text = string_member(chain, "public_key", cw);
      if (!xpub_text) return xpub_text.fault();
      if (!xpub_text->has_value()) return field_error(cw + ".public_key", "missing");
      auto xpub = cipher::ExtendedPublicKey::try_from_base58(ctx, **xpub_text);
      if (!xpub) return field_error(cw + ".public_key", xpub.message());
      const Json* list = chain.find("entries");
      if (list == nullptr || list->is_null()) continue;
      if (!list->is_array()) return field_error(cw + ".entries", "must be an array");
      for (std::size_t i = 0; i < list->as_array().size(); ++i) {
        const std::string where = cw + ".entries[" + std::to_string(i) + "]";
        Json extra = Json::object();
        auto raw = take_keys(list->as_array()[i], where, "address", "public", "secret", extra);
        if (!raw) return raw.fault();
        if (encrypted_ && !raw->secret_key.empty()) {
          return field_error(where + ".secret", "must be empty in an encrypted wallet");
        }
        auto entry = decode_keys(ctx, raw.value(), where, "public", "secret");
        sodium_memzero(raw->secret_key.data(), raw->secret_key.size());
        if (!entry) return entry.fault();
        const Json* child = extra.find("child_number");
        if (child == nullptr || child->kind() != Json::Kind::number ||
            std::from_chars(child->as_string().data(), child->as_string().data() + child->as_string().size(),
                            entry->child_number)
                    .ec != std::errc()) {
          return field_error(where + ".child_number", "missing or not an unsigned integer");
        }
        auto derived = xpub->child(ctx, entry->child_number);
        if (!derived || derived->public_key() != entry->public_key) {
          return WalletFault{WalletError::entry_mismatch, where + ": " + raw->address + " is not child " +
                                                              std::to_string(entry->child_number) +
                                                              " of the chain's public key"};
        }
        if (find_entry(entry->address) != nullptr) {
          return WalletFault{WalletError::duplicate_entry, where + ": " + raw->address + " appears twice"};
        }
        entry->account = account_index;
        entry->chain = name == "external" ? 0 : 1;
        entries_.push_back(std::move(entry).value());
      }
    }
  }
  return {};
}

}  // namespace skymesh::wallet
