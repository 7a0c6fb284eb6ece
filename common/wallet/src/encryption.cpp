#include "skymesh/wallet/encryption.hpp"

#include <sodium.h>

#include <array>
#include <vector>

#include "base64.hpp"
#include "sha256_xor.hpp"
#include "skymesh/wallet/json.hpp"

namespace skymesh::wallet {

namespace {

constexpr std::size_t k_salt_size = 32;
constexpr std::size_t k_nonce_size = crypto_aead_chacha20poly1305_ietf_NPUBBYTES;  // 12
constexpr std::size_t k_key_size = crypto_aead_chacha20poly1305_ietf_KEYBYTES;     // 32
constexpr std::size_t k_length_prefix = 2;

WalletFault malformed(const std::string& what) {
  return WalletFault{WalletError::malformed_field, "meta.secrets: " + what};
}

// Header members as Go's json.Marshal writes the struct: n, r, p, keyLen, salt, nonce.
std::string header_json(const ScryptParams& params, cipher::ByteView salt, cipher::ByteView nonce) {
  std::string out = "{\"n\":" + std::to_string(params.n) + ",\"r\":" + std::to_string(params.r) +
                    ",\"p\":" + std::to_string(params.p) + ",\"keyLen\":" + std::to_string(params.key_len) +
                    ",\"salt\":";
  append_json_string(out, detail::base64_encode(salt));
  out += ",\"nonce\":";
  append_json_string(out, detail::base64_encode(nonce));
  out += '}';
  return out;
}

// A non-negative JSON integer that fits in max.
bool read_uint(const Json& header, std::string_view key, uint64_t max, uint64_t& out) {
  const Json* v = header.find(key);
  if (v == nullptr || v->kind() != Json::Kind::number) return false;
  const std::string& text = v->as_string();
  if (text.empty() || text.size() > 20) return false;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (n > (max - digit) / 10) return false;
    n = n * 10 + digit;
  }
  out = n;
  return true;
}

Result<cipher::Bytes> read_base64(const Json& header, std::string_view key) {
  const Json* v = header.find(key);
  if (v == nullptr || !v->is_string()) return malformed("header has no " + std::string(key));
  auto bytes = detail::base64_decode(v->as_string());
  if (!bytes) return malformed("header " + std::string(key) + " is not base64");
  return std::move(*bytes);
}

bool derive_key(std::span<uint8_t> key, std::string_view password, cipher::ByteView salt, const ScryptParams& p) {
  return crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const uint8_t*>(password.data()), password.size(),
                                               salt.data(), salt.size(), p.n, p.r, p.p, key.data(), key.size()) == 0;
}

Result<cipher::SecretBytes> scrypt_chacha_decrypt(cipher::ByteView blob, std::string_view password) {
  if (blob.size() < k_length_prefix) return malformed("shorter than its length prefix");
  const std::size_t header_len = blob[0] | (std::size_t{blob[1]} << 8);
  if (k_length_prefix + header_len > blob.size()) return malformed("header length beyond the data");
  const cipher::ByteView header_bytes = blob.subspan(k_length_prefix, header_len);
  auto header = parse_json(std::string_view(reinterpret_cast<const char*>(header_bytes.data()), header_bytes.size()));
  if (!header || !header->is_object()) return malformed("header is not a JSON object");

  ScryptParams params;
  uint64_t r = 0, p = 0, key_len = 0;
  if (!read_uint(*header, "n", UINT64_MAX, params.n) || !read_uint(*header, "r", UINT32_MAX, r) ||
      !read_uint(*header, "p", UINT32_MAX, p) || !read_uint(*header, "keyLen", UINT32_MAX, key_len)) {
    return malformed("header needs integers n, r, p and keyLen");
  }
  params.r = static_cast<uint32_t>(r);
  params.p = static_cast<uint32_t>(p);
  params.key_len = static_cast<uint32_t>(key_len);
  if (params.n < 2 || (params.n & (params.n - 1)) != 0) return malformed("scrypt n must be a power of two above 1");
  if (params.r == 0 || params.p == 0 || uint64_t{params.r} * params.p >= (uint64_t{1} << 30)) {
    return malformed("scrypt r and p out of range");
  }
  if (params.n > k_max_scrypt_memory / 128 / params.r) return malformed("scrypt parameters need more than 1 GiB");
  if (params.key_len != k_key_size) return malformed("keyLen must be 32");

  auto salt = read_base64(*header, "salt");
  if (!salt) return salt.fault();
  if (salt->empty()) return malformed("empty salt");
  auto nonce = read_base64(*header, "nonce");
  if (!nonce) return nonce.fault();
  if (nonce->size() != k_nonce_size) return malformed("nonce must be 12 bytes");

  const cipher::ByteView sealed = blob.subspan(k_length_prefix + header_len);
  if (sealed.size() < crypto_aead_chacha20poly1305_ietf_ABYTES) return malformed("ciphertext shorter than its tag");

  std::array<uint8_t, k_key_size> key{};
  if (!derive_key(key, password, *salt, params)) {
    return WalletFault{WalletError::invalid_argument, "scrypt failed (out of memory?)"};
  }
  std::vector<uint8_t> plain(sealed.size() - crypto_aead_chacha20poly1305_ietf_ABYTES);
  unsigned long long plain_len = 0;
  const int rc =
      crypto_aead_chacha20poly1305_ietf_decrypt(plain.data(), &plain_len, nullptr, sealed.data(), sealed.size(),
                                                blob.data(), k_length_prefix + header_len, nonce->data(), key.data());
  sodium_memzero(key.data(), key.size());
  if (rc != 0) {
    return WalletFault{WalletError::wrong_password, "the password does not open the wallet's secrets"};
  }
  cipher::SecretBytes out(cipher::ByteView(plain.data(), static_cast<std::size_t>(plain_len)));
  sodium_memzero(plain.data(), plain.size());
  return out;
}

}  // namespace

std::string_view crypto_type_name(CryptoType type) {
  switch (type) {
    case CryptoType::sha256_xor:
      return "sha256-xor";
    case CryptoType::scrypt_chacha20poly1305:
      return "scrypt-chacha20poly1305";
    case CryptoType::scrypt_chacha20poly1305_insecure:
      return "scrypt-chacha20poly1305-insecure";
  }
  return "unknown";
}

Result<CryptoType> parse_crypto_type(std::string_view name) {
  for (CryptoType t :
       {CryptoType::sha256_xor, CryptoType::scrypt_chacha20poly1305, CryptoType::scrypt_chacha20poly1305_insecure}) {
    if (crypto_type_name(t) == name) return t;
  }
  return WalletFault{WalletError::unsupported_crypto_type, "unknown crypto type \"" + std::string(name) + "\""};
}

ScryptParams scrypt_params(CryptoType type) {
  // Skycoin's encrypt.ScryptN = 1<<20 and the insecure table entry N = 1<<15; r = 8, p = 1, 32-byte key.
  return ScryptParams{type == CryptoType::scrypt_chacha20poly1305_insecure ? (uint64_t{1} << 15) : (uint64_t{1} << 20),
                      8, 1, 32};
}

Result<std::string> encrypt_secrets(std::string_view plaintext, std::string_view password, CryptoType type) {
  if (password.empty()) return WalletFault{WalletError::missing_password, "a password is required to encrypt"};
  if (type == CryptoType::sha256_xor) {
    return WalletFault{WalletError::unsupported_crypto_type, "sha256-xor is insecure and is only read, never written"};
  }
  if (sodium_init() < 0) return WalletFault{WalletError::invalid_argument, "libsodium failed to start"};
  const ScryptParams params = scrypt_params(type);
  std::array<uint8_t, k_salt_size> salt{};
  std::array<uint8_t, k_nonce_size> nonce{};
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());

  const std::string header = header_json(params, salt, nonce);
  std::vector<uint8_t> blob;
  blob.reserve(k_length_prefix + header.size() + plaintext.size() + crypto_aead_chacha20poly1305_ietf_ABYTES);
  blob.push_back(static_cast<uint8_t>(header.size() & 0xFF));
  blob.push_back(static_cast<uint8_t>(header.size() >> 8));
  blob.insert(blob.end(), header.begin(), header.end());
  const std::size_t ad_len = blob.size();

  std::array<uint8_t, k_key_size> key{};
  if (!derive_key(key, password, salt, params)) {
    return WalletFault{WalletError::invalid_argument, "scrypt failed (out of memory?)"};
  }
  blob.resize(ad_len + plaintext.size() + crypto_aead_chacha20poly1305_ietf_ABYTES);
  unsigned long long sealed_len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(blob.data() + ad_len, &sealed_len,
                                            reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size(),
                                            blob.data(), ad_len, nullptr, nonce.data(), key.data());
  sodium_memzero(key.data(), key.size());
  blob.resize(ad_len + static_cast<std::size_t>(sealed_len));
  return detail::base64_encode(blob);
}

Result<cipher::SecretBytes> decrypt_secrets(const cipher::Secp256k1& ctx, std::string_view text,
                                            std::string_view password, CryptoType type) {
  if (password.empty()) return WalletFault{WalletError::missing_password, "a password is required to decrypt"};
  if (text.empty()) return malformed("empty");
  auto blob = detail::base64_decode(text);
  if (!blob) return malformed("not base64");
  if (type == CryptoType::sha256_xor) return detail::sha256_xor_decrypt(ctx, *blob, password);
  return scrypt_chacha_decrypt(*blob, password);
}

}  // namespace skymesh::wallet
