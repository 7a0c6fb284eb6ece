// Wallet construction, accessors and address generation.
#include "skymesh/wallet/wallet.hpp"

#include <array>
#include <chrono>

#include <sodium.h>

#include "skymesh/cipher/deterministic.hpp"
#include "wallet_internal.hpp"

namespace skymesh::wallet {

namespace {

constexpr std::array<std::string_view, 12> k_managed_meta = {"type",      "coin",           "version", "filename",
                                                             "encrypted", "cryptoType",     "secrets", "seed",
                                                             "lastSeed",  "seedPassphrase", "tm",      "bip44Coin"};

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string_view wallet_type_name(WalletType type) {
  switch (type) {
    case WalletType::deterministic:
      return "deterministic";
    case WalletType::collection:
      return "collection";
    case WalletType::bip44:
      return "bip44";
  }
  return "unknown";
}

Result<Wallet> Wallet::create_collection(const NewWalletOptions& options) {
  if (options.filename.empty()) return WalletFault{WalletError::invalid_argument, "a wallet needs a filename"};
  Wallet w;
  w.type_ = WalletType::collection;
  Json meta = Json::object();
  meta.set("coin", Json::string("skycoin"));
  meta.set("cryptoType", Json::string(std::string(crypto_type_name(CryptoType::scrypt_chacha20poly1305))));
  meta.set("encrypted", Json::string("false"));
  meta.set("filename", Json::string(options.filename));
  meta.set("label", Json::string(options.label));
  meta.set("tm", Json::string(std::to_string(options.timestamp != 0 ? options.timestamp : now_seconds())));
  meta.set("type", Json::string(std::string(wallet_type_name(w.type_))));
  meta.set("version", Json::string(std::string(k_version)));
  w.document_.set("meta", std::move(meta));
  w.document_.set("entries", Json::array());
  return w;
}

Result<Wallet> Wallet::create_deterministic(const cipher::Secp256k1& ctx, std::string_view seed,
                                            const NewWalletOptions& options, std::size_t address_count) {
  if (seed.empty()) return WalletFault{WalletError::invalid_seed, "a deterministic wallet needs a non-empty seed"};
  auto created = create_collection(options);
  if (!created) return created.fault();
  Wallet w = std::move(created).value();
  w.type_ = WalletType::deterministic;
  w.set_meta_string("type", std::string(wallet_type_name(w.type_)));
  w.seed_ = detail::secret_text(seed);
  w.last_seed_ = detail::secret_text(seed);  // as Skycoin: lastSeed starts as the seed text itself
  if (address_count > 0) {
    auto generated = w.generate_addresses(ctx, address_count);
    if (!generated) return generated.fault();
  }
  return w;
}

Wallet Wallet::clone() const {
  Wallet w;
  w.type_ = type_;
  w.encrypted_ = encrypted_;
  w.document_ = document_;
  if (seed_) w.seed_ = seed_->clone();
  if (last_seed_) w.last_seed_ = last_seed_->clone();
  if (seed_passphrase_) w.seed_passphrase_ = seed_passphrase_->clone();
  w.entries_ = entries_;
  return w;
}

std::string Wallet::meta_string(std::string_view key) const {
  const Json* meta = document_.find("meta");
  const Json* value = meta != nullptr ? meta->find(key) : nullptr;
  return value != nullptr && value->is_string() ? value->as_string() : std::string();
}

void Wallet::set_meta_string(std::string_view key, std::string value) {
  Json* meta = document_.find("meta");
  if (meta == nullptr) {
    document_.set("meta", Json::object());
    meta = document_.find("meta");
  }
  meta->set(key, Json::string(std::move(value)));
}

std::optional<CryptoType> Wallet::crypto_type() const {
  auto parsed = parse_crypto_type(meta_string("cryptoType"));
  if (!parsed) return std::nullopt;
  return parsed.value();
}

std::vector<cipher::Address> Wallet::addresses() const {
  std::vector<cipher::Address> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_) out.push_back(e.address);
  return out;
}

const Entry* Wallet::find_entry(const cipher::Address& address) const {
  for (const auto& e : entries_) {
    if (e.address == address) return &e;
  }
  return nullptr;
}

Result<std::string> Wallet::seed() const {
  if (type_ == WalletType::collection)
    return WalletFault{WalletError::not_supported, "a collection wallet has no seed"};
  if (encrypted_) return WalletFault{WalletError::wallet_locked, "the wallet is encrypted; unlock it to read its seed"};
  return seed_ ? std::string(detail::as_text(*seed_)) : std::string();
}

Result<std::string> Wallet::last_seed() const {
  if (type_ != WalletType::deterministic) {
    return WalletFault{WalletError::not_supported, "only deterministic wallets have a lastSeed"};
  }
  if (encrypted_) return WalletFault{WalletError::wallet_locked, "the wallet is encrypted; unlock it to read lastSeed"};
  return last_seed_ ? std::string(detail::as_text(*last_seed_)) : std::string();
}

Result<cipher::SecretKey> Wallet::secret_key(const cipher::Address& address) const {
  const Entry* e = find_entry(address);
  if (e == nullptr) return WalletFault{WalletError::entry_not_found, "no entry for " + address.to_base58()};
  if (encrypted_) return WalletFault{WalletError::wallet_locked, "the wallet is encrypted; unlock it to sign"};
  if (!e->secret_key) return WalletFault{WalletError::entry_not_found, "no secret key for " + address.to_base58()};
  return *e->secret_key;
}

Result<std::vector<cipher::Address>> Wallet::generate_addresses(const cipher::Secp256k1& ctx, std::size_t n) {
  if (type_ == WalletType::collection) {
    return WalletFault{WalletError::not_supported, "collection wallets do not generate addresses"};
  }
  if (n > k_max_generate) {
    return WalletFault{WalletError::invalid_argument, "at most " + std::to_string(k_max_generate) +
                                                          " addresses per call, asked for " + std::to_string(n)};
  }
  if (type_ == WalletType::bip44) return generate_bip44(ctx, n);
  if (encrypted_) return WalletFault{WalletError::wallet_locked, "the wallet is encrypted; unlock it to add addresses"};
  if (n == 0) return std::vector<cipher::Address>{};
  if (!seed_ || seed_->empty()) return WalletFault{WalletError::invalid_seed, "the wallet has no seed"};

  // The first keys come from the seed text; later ones continue from lastSeed (hex of the next seed).
  std::optional<cipher::SecretBytes> decoded;
  if (!entries_.empty()) {
    auto bytes = cipher::try_from_hex(last_seed_ ? detail::as_text(*last_seed_) : std::string_view());
    if (!bytes || bytes->empty()) return WalletFault{WalletError::malformed_field, "meta.lastSeed is not hex"};
    decoded = cipher::SecretBytes(bytes.value());
    sodium_memzero(bytes->data(), bytes->size());
  }
  const cipher::ByteView from = decoded ? decoded->view() : seed_->view();
  auto keys = cipher::deterministic_key_pairs(ctx, from, n);
  if (!keys) return WalletFault{WalletError::invalid_seed, keys.message()};

  std::vector<cipher::Address> out;
  out.reserve(n);
  for (auto& pair : keys->keys) {
    Entry e{cipher::Address::from_public_key(pair.public_key), pair.public_key, pair.secret_key};
    out.push_back(e.address);
    entries_.push_back(std::move(e));
  }
  last_seed_ = detail::secret_text(cipher::to_hex(keys->next_seed.view()));
  return out;
}

Result<cipher::Address> Wallet::add_entry(const cipher::Secp256k1& ctx, const cipher::SecretKey& secret) {
  if (type_ != WalletType::collection) {
    return WalletFault{WalletError::not_supported, "keys are added one by one to collection wallets only"};
  }
  if (encrypted_) return WalletFault{WalletError::wallet_locked, "the wallet is encrypted; unlock it to add keys"};
  const cipher::PublicKey pub = cipher::public_key_from_secret(ctx, secret);
  const cipher::Address address = cipher::Address::from_public_key(pub);
  if (find_entry(address) != nullptr) {
    return WalletFault{WalletError::duplicate_entry, "the wallet already holds " + address.to_base58()};
  }
  entries_.push_back(Entry{address, pub, secret});
  return address;
}

Result<void> Wallet::set_meta(std::string_view key, std::string value) {
  for (std::string_view managed : k_managed_meta) {
    if (key == managed) {
      return WalletFault{WalletError::invalid_argument, "meta." + std::string(key) + " is managed by the library"};
    }
  }
  set_meta_string(key, std::move(value));
  return {};
}

void Wallet::set_label(std::string label) {
  set_meta_string("label", std::move(label));
}

}  // namespace skymesh::wallet
