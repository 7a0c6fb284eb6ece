// BIP32 derivation and (de)serialisation. HMAC-SHA512 comes from libsodium; scalar and point additions from
// libsecp256k1's tweak functions, which also report the (negligible) invalid-child cases.
#include "skymesh/cipher/bip32.hpp"

#include <algorithm>

#include "internal.hpp"
#include "skymesh/cipher/base58.hpp"

namespace skymesh::cipher {

namespace {

constexpr std::array<uint8_t, 4> k_xprv_version = {0x04, 0x88, 0xAD, 0xE4};
constexpr std::array<uint8_t, 4> k_xpub_version = {0x04, 0x88, 0xB2, 0x1E};
constexpr std::size_t k_serialized_size = 78;
constexpr std::size_t k_encoded_size = k_serialized_size + 4;  // with the base58check checksum
constexpr uint8_t k_max_depth = 0xFF;

// I = HMAC-SHA512(key, data); IL is the first 32 bytes, IR the chain code.
struct Hmac512 {
  std::array<uint8_t, 64> bytes{};
  ~Hmac512() { sodium_memzero(bytes.data(), bytes.size()); }
  const uint8_t* left() const { return bytes.data(); }
  const uint8_t* right() const { return bytes.data() + 32; }
};

void hmac_sha512(Hmac512& out, ByteView key, ByteView data) {
  crypto_auth_hmacsha512_state state;
  crypto_auth_hmacsha512_init(&state, key.data(), key.size());
  crypto_auth_hmacsha512_update(&state, data.data(), data.size());
  crypto_auth_hmacsha512_final(&state, out.bytes.data());
  sodium_memzero(&state, sizeof state);
}

void put_u32(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

uint32_t get_u32(const uint8_t* in) {
  return static_cast<uint32_t>(in[0]) << 24 | static_cast<uint32_t>(in[1]) << 16 | static_cast<uint32_t>(in[2]) << 8 |
         static_cast<uint32_t>(in[3]);
}

Bip32Meta child_meta(const Bip32Meta& parent, const std::array<uint8_t, 4>& parent_fingerprint, uint32_t index,
                     const uint8_t* chain_code) {
  Bip32Meta meta;
  meta.depth = static_cast<uint8_t>(parent.depth + 1);
  meta.parent_fingerprint = parent_fingerprint;
  meta.child_number = index;
  std::copy_n(chain_code, 32, meta.chain_code.begin());
  return meta;
}

// version || depth || parent fingerprint || child number || chain code || key33, then the 4-byte checksum.
std::string encode(const std::array<uint8_t, 4>& version, const Bip32Meta& meta, const uint8_t* key33) {
  std::array<uint8_t, k_encoded_size> raw{};
  std::copy(version.begin(), version.end(), raw.begin());
  raw[4] = meta.depth;
  std::copy(meta.parent_fingerprint.begin(), meta.parent_fingerprint.end(), raw.begin() + 5);
  put_u32(raw.data() + 9, meta.child_number);
  std::copy(meta.chain_code.begin(), meta.chain_code.end(), raw.begin() + 13);
  std::copy_n(key33, 33, raw.begin() + 45);
  Sha256 check = double_sha256(ByteView(raw).first(k_serialized_size));
  std::copy_n(check.data(), 4, raw.begin() + k_serialized_size);
  std::string out = base58_encode(raw);
  sodium_memzero(raw.data(), raw.size());
  return out;
}

// Checks length, checksum, version and depth-0 consistency; fills meta and returns the 33 key bytes.
Outcome<SecretBytes> decode(std::string_view text, const std::array<uint8_t, 4>& version, Bip32Meta& meta) {
  auto raw_outcome = try_base58_decode(text);
  if (!raw_outcome) return raw_outcome.fault();
  SecretBytes raw(raw_outcome.value());
  sodium_memzero(raw_outcome.value().data(), raw_outcome.value().size());
  if (raw.size() != k_encoded_size) {
    return Fault{CipherError::invalid_length,
                 "extended key must decode to 82 bytes, got " + std::to_string(raw.size())};
  }
  const uint8_t* b = raw.data();
  Sha256 check = double_sha256(ByteView(b, k_serialized_size));
  if (!std::equal(check.data(), check.data() + 4, b + k_serialized_size)) {
    return Fault{CipherError::invalid_checksum, "extended key checksum does not match"};
  }
  if (!std::equal(version.begin(), version.end(), b)) {
    bool other = std::equal(k_xprv_version.begin(), k_xprv_version.end(), b) ||
                 std::equal(k_xpub_version.begin(), k_xpub_version.end(), b);
    return Fault{CipherError::invalid_version,
                 other ? "extended key is of the other kind (xpub/xprv)" : "unknown extended key version"};
  }
  meta.depth = b[4];
  std::copy_n(b + 5, 4, meta.parent_fingerprint.begin());
  meta.child_number = get_u32(b + 9);
  std::copy_n(b + 13, 32, meta.chain_code.begin());
  if (meta.depth == 0 && (meta.child_number != 0 || meta.parent_fingerprint != std::array<uint8_t, 4>{})) {
    return Fault{CipherError::invalid_extended_key, "depth 0 key with a parent fingerprint or child number"};
  }
  return SecretBytes(ByteView(b + 45, 33));
}

}  // namespace

Outcome<ExtendedPublicKey> ExtendedPublicKey::try_from_base58(const Secp256k1& ctx, std::string_view text) {
  Bip32Meta meta;
  auto key = decode(text, k_xpub_version, meta);
  if (!key) return key.fault();
  auto pub = PublicKey::try_from_bytes(ctx, key.value().view());
  if (!pub) return pub.fault();
  return ExtendedPublicKey(meta, pub.value());
}

Outcome<ExtendedPublicKey> ExtendedPublicKey::child(const Secp256k1& ctx, uint32_t index) const {
  if (index >= k_first_hardened_child) {
    return Fault{CipherError::hardened_from_public, "an extended public key cannot derive hardened children"};
  }
  if (meta_.depth == k_max_depth) return Fault{CipherError::max_depth, "BIP32 depth 255 reached"};
  std::array<uint8_t, 37> data{};
  std::copy(key_.bytes().begin(), key_.bytes().end(), data.begin());
  put_u32(data.data() + 33, index);
  Hmac512 i;
  hmac_sha512(i, meta_.chain_code, data);
  secp256k1_pubkey point = detail::parse_public_key(ctx, key_);
  if (secp256k1_ec_pubkey_tweak_add(ctx.get(), &point, i.left()) != 1) {
    return Fault{CipherError::invalid_child, "child " + std::to_string(index) + " is invalid; skip it"};
  }
  PublicKey child_key = detail::KeyAccess::public_key(detail::serialize_compressed(ctx, point));
  return ExtendedPublicKey(child_meta(meta_, fingerprint(), index, i.right()), child_key);
}

std::string ExtendedPublicKey::to_base58() const {
  return encode(k_xpub_version, meta_, key_.data());
}

Ripemd160 ExtendedPublicKey::identifier() const {
  return hash160(key_.view());
}

std::array<uint8_t, 4> ExtendedPublicKey::fingerprint() const {
  std::array<uint8_t, 4> out{};
  std::copy_n(identifier().data(), 4, out.begin());
  return out;
}

ExtendedPrivateKey::ExtendedPrivateKey(const Secp256k1& ctx, const Bip32Meta& meta, const SecretKey& key)
    : meta_(meta), secret_(key), public_(public_key_from_secret(ctx, key)) {}

ExtendedPrivateKey::~ExtendedPrivateKey() {
  sodium_memzero(meta_.chain_code.data(), meta_.chain_code.size());
}

Outcome<ExtendedPrivateKey> ExtendedPrivateKey::master(const Secp256k1& ctx, ByteView seed) {
  if (seed.size() < 16 || seed.size() > 64) {
    return Fault{CipherError::invalid_seed_length,
                 "BIP32 seed must be 16..64 bytes, got " + std::to_string(seed.size())};
  }
  Hmac512 i;
  hmac_sha512(i, as_bytes("Bitcoin seed"), seed);
  if (!detail::secret_in_range(i.left())) {
    return Fault{CipherError::invalid_child, "seed yields an invalid master key"};
  }
  Bip32Meta meta;
  std::copy_n(i.right(), 32, meta.chain_code.begin());
  ExtendedPrivateKey out(ctx, meta, detail::KeyAccess::secret(i.left()));
  sodium_memzero(meta.chain_code.data(), meta.chain_code.size());
  return out;
}

Outcome<ExtendedPrivateKey> ExtendedPrivateKey::from_path(const Secp256k1& ctx, ByteView seed, std::string_view path) {
  auto nodes = parse_bip32_path(path);
  if (!nodes) return nodes.fault();
  auto root = master(ctx, seed);
  if (!root) return root.fault();
  return root.value().derive(ctx, nodes.value());
}

Outcome<ExtendedPrivateKey> ExtendedPrivateKey::try_from_base58(const Secp256k1& ctx, std::string_view text) {
  Bip32Meta meta;
  auto key = decode(text, k_xprv_version, meta);
  if (!key) return key.fault();
  const uint8_t* b = key.value().data();
  if (b[0] != 0x00) {
    sodium_memzero(meta.chain_code.data(), meta.chain_code.size());
    return Fault{CipherError::invalid_extended_key, "private key field must start with 0x00"};
  }
  auto secret = SecretKey::try_from_bytes(ByteView(b + 1, 32));
  if (!secret) {
    sodium_memzero(meta.chain_code.data(), meta.chain_code.size());
    return secret.fault();
  }
  ExtendedPrivateKey out(ctx, meta, secret.value());
  sodium_memzero(meta.chain_code.data(), meta.chain_code.size());
  return out;
}

Outcome<ExtendedPrivateKey> ExtendedPrivateKey::child(const Secp256k1& ctx, uint32_t index) const {
  if (meta_.depth == k_max_depth) return Fault{CipherError::max_depth, "BIP32 depth 255 reached"};
  // Hardened: 0x00 || k || ser32(i); normal: compress(k*G) || ser32(i).
  std::array<uint8_t, 37> data{};
  detail::WipeOnExit wipe_data(data);
  if (index >= k_first_hardened_child) {
    std::copy_n(secret_.data(), 32, data.begin() + 1);
  } else {
    std::copy(public_.bytes().begin(), public_.bytes().end(), data.begin());
  }
  put_u32(data.data() + 33, index);
  Hmac512 i;
  hmac_sha512(i, meta_.chain_code, data);

  std::array<uint8_t, 32> key{};
  detail::WipeOnExit wipe_key(key);
  std::copy_n(secret_.data(), 32, key.begin());
  // Fails when IL >= n or IL + k == 0 (mod n).
  if (secp256k1_ec_seckey_tweak_add(ctx.get(), key.data(), i.left()) != 1) {
    return Fault{CipherError::invalid_child, "child " + std::to_string(index) + " is invalid; skip it"};
  }
  Bip32Meta meta = child_meta(meta_, fingerprint(), index, i.right());
  ExtendedPrivateKey out(ctx, meta, detail::KeyAccess::secret(key.data()));
  sodium_memzero(meta.chain_code.data(), meta.chain_code.size());
  return out;
}

Outcome<ExtendedPrivateKey> ExtendedPrivateKey::derive(const Secp256k1& ctx, std::span<const uint32_t> path) const {
  ExtendedPrivateKey current = *this;
  for (uint32_t index : path) {
    auto next = current.child(ctx, index);
    if (!next) return next.fault();
    current = next.value();
  }
  return current;
}

std::string ExtendedPrivateKey::to_base58() const {
  std::array<uint8_t, 33> key{};
  detail::WipeOnExit wipe(key);
  std::copy_n(secret_.data(), 32, key.begin() + 1);
  return encode(k_xprv_version, meta_, key.data());
}

Ripemd160 ExtendedPrivateKey::identifier() const {
  return hash160(public_.view());
}

std::array<uint8_t, 4> ExtendedPrivateKey::fingerprint() const {
  std::array<uint8_t, 4> out{};
  std::copy_n(identifier().data(), 4, out.begin());
  return out;
}

}  // namespace skymesh::cipher
