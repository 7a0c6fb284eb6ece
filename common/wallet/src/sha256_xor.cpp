// Layout: checksum(32) || nonce(32) || blocks of 32 bytes. checksum = SHA256(nonce || blocks). Block i is
// plain_i XOR SHA256(key || SHA256(varint(i) padded to 32 || SHA256(nonce))) with key = secp256k1_hash(password).
// The plain blocks are hash(32) || length(4, LE) || data || zero padding, hash = SHA256(the rest).
#include <sodium.h>

#include <array>
#include <cstdint>

#include "sha256_xor.hpp"
#include "skymesh/cipher/deterministic.hpp"
#include "skymesh/cipher/hash.hpp"

namespace skymesh::wallet::detail {

namespace {

constexpr std::size_t k_block = 32;

WalletFault malformed(const std::string& what) {
  return WalletFault{WalletError::malformed_field, "meta.secrets: sha256-xor " + what};
}

// Go's binary.PutVarint (zig-zag, then base-128 little endian) into 32 zero bytes.
std::array<uint8_t, 32> index_bytes(uint64_t index) {
  std::array<uint8_t, 32> out{};
  uint64_t v = index << 1;
  std::size_t i = 0;
  while (v >= 0x80) {
    out[i++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  out[i] = static_cast<uint8_t>(v);
  return out;
}

}  // namespace

Result<cipher::SecretBytes> sha256_xor_decrypt(const cipher::Secp256k1& ctx, cipher::ByteView blob,
                                               std::string_view password) {
  if (blob.size() < 2 * k_block + 2 * k_block || (blob.size() % k_block) != 0) {
    return malformed("blob of " + std::to_string(blob.size()) + " bytes");
  }
  const cipher::ByteView rest = blob.subspan(k_block);
  if (sodium_memcmp(cipher::sha256(rest).data(), blob.data(), k_block) != 0) return malformed("checksum mismatch");
  const cipher::Sha256 nonce_hash = cipher::sha256(rest.first(k_block));
  const cipher::SecretBytes key = cipher::secp256k1_hash(ctx, cipher::as_bytes(password));
  const cipher::ByteView blocks = rest.subspan(k_block);

  std::vector<uint8_t> plain(blocks.size());
  for (std::size_t i = 0; i < blocks.size() / k_block; ++i) {
    const auto idx = index_bytes(i);
    const cipher::Sha256 index_nonce = cipher::sha256(idx, nonce_hash.view());
    const cipher::Sha256 pad = cipher::sha256(key.view(), index_nonce.view());
    for (std::size_t k = 0; k < k_block; ++k) plain[i * k_block + k] = blocks[i * k_block + k] ^ pad.bytes()[k];
  }
  const cipher::ByteView body(plain.data() + k_block, plain.size() - k_block);
  const bool hash_ok = sodium_memcmp(cipher::sha256(body).data(), plain.data(), k_block) == 0;
  if (!hash_ok) {
    sodium_memzero(plain.data(), plain.size());
    return WalletFault{WalletError::wrong_password, "the password does not open the wallet's secrets"};
  }
  const uint32_t length =
      uint32_t{body[0]} | (uint32_t{body[1]} << 8) | (uint32_t{body[2]} << 16) | (uint32_t{body[3]} << 24);
  if (length > body.size() - 4) {
    sodium_memzero(plain.data(), plain.size());
    return malformed("data length out of range");
  }
  cipher::SecretBytes out(body.subspan(4, length));
  sodium_memzero(plain.data(), plain.size());
  return out;
}

}  // namespace skymesh::wallet::detail
