// Wallet::lock / unlock: the secrets travel as one JSON object of strings, as Skycoin's Secrets map:
// {"<address>": "<secret key hex>", ..., "lastSeed": "...", "seed": "..."} (keys sorted, compact).
#include <algorithm>

#include <sodium.h>

#include "skymesh/wallet/wallet.hpp"
#include "wallet_internal.hpp"

namespace skymesh::wallet {

namespace {

struct WipedJson {
  Json value;
  ~WipedJson() { value.wipe(); }
};

}  // namespace

Result<void> Wallet::lock(std::string_view password, CryptoType type) {
  if (password.empty()) return WalletFault{WalletError::missing_password, "a password is required to encrypt"};
  if (encrypted_) return WalletFault{WalletError::already_encrypted, "the wallet is already encrypted"};
  if (type_ == WalletType::bip44) return WalletFault{WalletError::not_supported, "bip44 wallets are read only here"};

  WipedJson secrets{Json::object()};
  if (type_ == WalletType::deterministic) {
    secrets.value.set(detail::k_meta_seed, Json::string(seed_ ? std::string(detail::as_text(*seed_)) : ""));
    secrets.value.set(detail::k_meta_last_seed,
                      Json::string(last_seed_ ? std::string(detail::as_text(*last_seed_)) : ""));
  }
  for (const Entry& e : entries_) {
    if (e.secret_key) secrets.value.set(e.address.to_base58(), Json::string(e.secret_key->hex()));
  }
  auto& members = secrets.value.as_object();
  std::sort(members.begin(), members.end(),
            [](const Json::Member& a, const Json::Member& b) { return a.first < b.first; });
  std::string plain = write_json(secrets.value);
  auto sealed = encrypt_secrets(plain, password, type);
  sodium_memzero(plain.data(), plain.size());
  if (!sealed) return sealed.fault();

  set_meta_string("encrypted", "true");
  set_meta_string("cryptoType", std::string(crypto_type_name(type)));
  set_meta_string("secrets", std::move(sealed).value());
  encrypted_ = true;
  auto empty_secret = [](std::optional<cipher::SecretBytes>& s) {
    if (s) s = cipher::SecretBytes();
  };
  empty_secret(seed_);
  empty_secret(last_seed_);
  empty_secret(seed_passphrase_);
  for (Entry& e : entries_) e.secret_key.reset();
  return {};
}

Result<Wallet> Wallet::unlock(const cipher::Secp256k1& ctx, std::string_view password) const {
  if (!encrypted_) return WalletFault{WalletError::not_encrypted, "the wallet is not encrypted"};
  if (type_ == WalletType::bip44) {
    return WalletFault{WalletError::not_supported, "bip44 wallets are read only here: their secrets are not opened"};
  }
  if (password.empty()) return WalletFault{WalletError::missing_password, "a password is required to decrypt"};
  auto type = parse_crypto_type(meta_string("cryptoType"));
  if (!type) return type.fault();
  auto plain = decrypt_secrets(ctx, meta_string("secrets"), password, type.value());
  if (!plain) return plain.fault();
  auto parsed = parse_json(detail::as_text(plain.value()));
  if (!parsed || !parsed->is_object()) {
    return WalletFault{WalletError::malformed_field, "meta.secrets: decrypted secrets are not a JSON object"};
  }
  WipedJson secrets{std::move(parsed).value()};
  auto secret = [&](std::string_view key) -> const std::string* {
    const Json* v = secrets.value.find(key);
    return v != nullptr && v->is_string() ? &v->as_string() : nullptr;
  };

  Wallet w = clone();
  if (type_ == WalletType::deterministic) {
    const std::string* seed = secret(detail::k_meta_seed);
    const std::string* last = secret(detail::k_meta_last_seed);
    if (seed == nullptr || last == nullptr) {
      return WalletFault{WalletError::malformed_field, "meta.secrets: seed or lastSeed missing"};
    }
    w.seed_ = detail::secret_text(*seed);
    w.last_seed_ = detail::secret_text(*last);
  }
  for (Entry& e : w.entries_) {
    const std::string address = e.address.to_base58();
    const std::string* hex = secret(address);
    if (hex == nullptr) {
      return WalletFault{WalletError::malformed_field, "meta.secrets: no secret key for " + address};
    }
    auto key = cipher::SecretKey::try_from_hex(*hex);
    if (!key) return WalletFault{WalletError::malformed_field, "meta.secrets: secret key of " + address + " not valid"};
    if (cipher::public_key_from_secret(ctx, key.value()) != e.public_key) {
      return WalletFault{WalletError::entry_mismatch, "meta.secrets: secret key does not belong to " + address};
    }
    e.secret_key = key.value();
  }
  // As Skycoin's SetDecrypted.
  w.encrypted_ = false;
  w.set_meta_string("encrypted", "false");
  w.set_meta_string("secrets", "");
  w.set_meta_string("cryptoType", "");
  return w;
}

Result<std::vector<cipher::Address>> Wallet::generate_addresses(const cipher::Secp256k1& ctx, std::size_t n,
                                                                std::string_view password) {
  // bip44 addresses come from the chain's public key: no secret is needed (nor made) while encrypted.
  if (!encrypted_ || type_ == WalletType::bip44) return generate_addresses(ctx, n);
  auto type = parse_crypto_type(meta_string("cryptoType"));
  if (!type) return type.fault();
  const CryptoType relock = type.value() == CryptoType::sha256_xor ? CryptoType::scrypt_chacha20poly1305 : type.value();
  auto open = unlock(ctx, password);
  if (!open) return open.fault();
  auto added = open->generate_addresses(ctx, n);
  if (!added) return added.fault();
  if (auto locked = open->lock(password, relock); !locked) return locked.fault();
  *this = std::move(open).value();
  return added;
}

}  // namespace skymesh::wallet
