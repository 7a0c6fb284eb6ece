// A Skycoin wallet file in memory: meta (a map of strings; unknown keys are kept and written back) and the
// address entries, for the "deterministic" and "collection" types, and "bip44" read only (see below). Secrets (seed,
// lastSeed, seedPassphrase, secret keys) live only in memory that is wiped, and, once the wallet is locked,
// only inside meta.secrets (see encryption.hpp). Files are read and written by wallet_file.hpp.
//
// Deterministic keys follow Skycoin: the first key comes from the seed text's own bytes; each generation
// continues from meta.lastSeed (hex) and stores the seed that follows the last key there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skymesh/cipher/address.hpp"
#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/wallet/encryption.hpp"
#include "skymesh/wallet/error.hpp"
#include "skymesh/wallet/json.hpp"

namespace skymesh::wallet {

enum class WalletType : uint8_t { deterministic = 1, collection = 2, bip44 = 3 };

// "deterministic", "collection", "bip44".
std::string_view wallet_type_name(WalletType type);

struct Entry {
  cipher::Address address;
  cipher::PublicKey public_key;
  std::optional<cipher::SecretKey> secret_key;  // absent while the wallet is encrypted
  // bip44 wallets only: where the key sits in m/44'/coin'/account'/chain/child_number.
  uint32_t account = 0;
  uint32_t chain = 0;
  uint32_t child_number = 0;
  Json extra = Json::object();  // members of the entry this library does not know, written back unchanged
};

struct NewWalletOptions {
  std::string filename;   // meta.filename, required (Skycoin names files like 2017_08_23_3d3b.wlt)
  std::string label;      // meta.label
  int64_t timestamp = 0;  // meta.tm in Unix seconds; 0 means now
};

class Wallet {
 public:
  // The version this library writes into new wallets (files of any version are read).
  static constexpr std::string_view k_version = "0.4";
  // Largest number of addresses one generate_addresses() call makes.
  static constexpr std::size_t k_max_generate = 1'000'000;

  // A deterministic wallet on seed (any non-empty text; usually a BIP39 phrase from generate_mnemonic()),
  // with address_count addresses. Errors: invalid_seed (empty), invalid_argument (empty filename).
  static Result<Wallet> create_deterministic(const cipher::Secp256k1& ctx, std::string_view seed,
                                             const NewWalletOptions& options, std::size_t address_count = 0);
  // An empty collection wallet (keys are added with add_entry). Errors: invalid_argument (empty filename).
  static Result<Wallet> create_collection(const NewWalletOptions& options);

  // Reads and validates a wallet file's text. Errors: malformed_json, malformed_field (naming the field),
  // unsupported_wallet_type, unsupported_coin, unsupported_crypto_type, invalid_address, entry_mismatch,
  // duplicate_entry.
  static Result<Wallet> parse(const cipher::Secp256k1& ctx, std::string_view text);
  // The file's text: Skycoin's layout (4-space indent, meta keys sorted), unknown members kept.
  std::string serialize() const;

  Wallet(Wallet&&) noexcept = default;
  Wallet& operator=(Wallet&&) noexcept = default;
  Wallet(const Wallet&) = delete;
  Wallet& operator=(const Wallet&) = delete;
  ~Wallet() = default;
  Wallet clone() const;

  WalletType type() const noexcept { return type_; }
  // meta.<key> when it is a string, else "".
  std::string meta_string(std::string_view key) const;
  std::string filename() const { return meta_string("filename"); }
  std::string label() const { return meta_string("label"); }
  std::string version() const { return meta_string("version"); }
  bool is_encrypted() const noexcept { return encrypted_; }
  // The crypto type named in meta.cryptoType, if any and known.
  std::optional<CryptoType> crypto_type() const;

  const std::vector<Entry>& entries() const noexcept { return entries_; }
  std::vector<cipher::Address> addresses() const;
  // nullptr when absent.
  const Entry* find_entry(const cipher::Address& address) const;

  // Secrets. Errors: wallet_locked (encrypted), not_supported (a collection wallet has no seed),
  // entry_not_found.
  Result<std::string> seed() const;
  Result<std::string> last_seed() const;
  Result<cipher::SecretKey> secret_key(const cipher::Address& address) const;

  // Appends n addresses of a deterministic wallet and moves meta.lastSeed on. A bip44 wallet appends to account
  // 0's external chain, from the chain's extended public key, encrypted or not; the secret keys too (from the
  // seed) when not encrypted. Errors: wallet_locked (deterministic, encrypted), not_supported (collection; a
  // bip44 wallet without account 0's external chain), invalid_argument (n > k_max_generate), malformed_field
  // (meta.lastSeed is not hex), invalid_seed, entry_mismatch (the bip44 seed does not derive the chain's key).
  Result<std::vector<cipher::Address>> generate_addresses(const cipher::Secp256k1& ctx, std::size_t n);
  // The same for an encrypted wallet (Skycoin's guarded update): unlock with password, generate, lock again
  // with the same crypto type (sha256-xor wallets are re-encrypted with scrypt-chacha20poly1305). On any error
  // the wallet is unchanged. An unencrypted wallet, and a bip44 one, ignore the password. Errors: those of
  // unlock(), lock() and generate_addresses().
  Result<std::vector<cipher::Address>> generate_addresses(const cipher::Secp256k1& ctx, std::size_t n,
                                                          std::string_view password);
  // Adds a key to a collection wallet. Errors: wallet_locked, not_supported, duplicate_entry.
  Result<cipher::Address> add_entry(const cipher::Secp256k1& ctx, const cipher::SecretKey& secret);
  // Checks that the entries are exactly the keys the seed derives, in order, and (deterministic) that
  // meta.lastSeed continues after the last one. Errors: wallet_locked, not_supported (collection),
  // entry_mismatch naming the first entry that differs, malformed_field (meta.lastSeed, meta.bip44Coin).
  Result<void> verify_seed(const cipher::Secp256k1& ctx) const;

  // Encrypts the secrets into meta.secrets and wipes them here. Errors: missing_password, already_encrypted,
  // not_supported (bip44 wallets are read only), unsupported_crypto_type (sha256-xor).
  Result<void> lock(std::string_view password, CryptoType type = CryptoType::scrypt_chacha20poly1305);
  // A decrypted copy (this wallet stays locked, as Skycoin's Unlock). Errors: not_encrypted, missing_password,
  // wrong_password, malformed_field "meta.secrets" (a secret missing or not hex), entry_mismatch, not_supported
  // (bip44: its account keys are not opened here).
  Result<Wallet> unlock(const cipher::Secp256k1& ctx, std::string_view password) const;

  // Sets a meta key the library does not manage itself (label and any key of the caller's). Errors:
  // invalid_argument for managed keys (type, coin, version, filename, encrypted, cryptoType, secrets, seed,
  // lastSeed, seedPassphrase, tm, bip44Coin).
  Result<void> set_meta(std::string_view key, std::string value);
  void set_label(std::string label);

 private:
  Wallet() = default;
  void set_meta_string(std::string_view key, std::string value);
  Result<void> decode_entries(const cipher::Secp256k1& ctx);
  Result<void> decode_bip44_accounts(const cipher::Secp256k1& ctx);
  Result<void> check_entry_secret(const cipher::Secp256k1& ctx, const Entry& entry, const std::string& where) const;
  Result<void> verify_bip44(const cipher::Secp256k1& ctx) const;
  Result<uint32_t> bip44_coin() const;  // meta.bip44Coin, Skycoin's 8000 when absent
  Result<std::vector<cipher::Address>> generate_bip44(const cipher::Secp256k1& ctx, std::size_t n);

  WalletType type_ = WalletType::deterministic;
  bool encrypted_ = false;
  // The whole document without secrets: meta (seed, lastSeed and seedPassphrase removed), entries as parsed
  // (rebuilt from entries_ when written), and any other top-level member (bip44 "accounts") unchanged.
  Json document_ = Json::object();
  std::optional<cipher::SecretBytes> seed_;
  std::optional<cipher::SecretBytes> last_seed_;
  std::optional<cipher::SecretBytes> seed_passphrase_;
  std::vector<Entry> entries_;
};

}  // namespace skymesh::wallet
