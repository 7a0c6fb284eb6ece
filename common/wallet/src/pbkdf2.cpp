#include "pbkdf2.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace skymesh::wallet::detail {

namespace {

// HMAC-SHA512 with the key state prepared once (the password is the key in every round).
void hmac(const crypto_auth_hmacsha512_state& keyed, cipher::ByteView a, cipher::ByteView b,
          std::array<uint8_t, crypto_auth_hmacsha512_BYTES>& out) {
  crypto_auth_hmacsha512_state st = keyed;
  crypto_auth_hmacsha512_update(&st, a.data(), a.size());
  if (!b.empty()) crypto_auth_hmacsha512_update(&st, b.data(), b.size());
  crypto_auth_hmacsha512_final(&st, out.data());
  sodium_memzero(&st, sizeof st);
}

}  // namespace

void pbkdf2_hmac_sha512(std::span<uint8_t> out, cipher::ByteView password, cipher::ByteView salt, uint32_t iterations) {
  crypto_auth_hmacsha512_state keyed;
  crypto_auth_hmacsha512_init(&keyed, password.data(), password.size());
  std::array<uint8_t, crypto_auth_hmacsha512_BYTES> u{};
  std::array<uint8_t, crypto_auth_hmacsha512_BYTES> t{};
  std::size_t done = 0;
  for (uint32_t block = 1; done < out.size(); ++block) {
    const std::array<uint8_t, 4> index{static_cast<uint8_t>(block >> 24), static_cast<uint8_t>(block >> 16),
                                       static_cast<uint8_t>(block >> 8), static_cast<uint8_t>(block)};
    hmac(keyed, salt, index, u);
    t = u;
    for (uint32_t i = 1; i < iterations; ++i) {
      hmac(keyed, u, {}, u);
      for (std::size_t k = 0; k < t.size(); ++k) t[k] ^= u[k];
    }
    const std::size_t n = std::min(t.size(), out.size() - done);
    std::copy_n(t.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
    done += n;
  }
  sodium_memzero(u.data(), u.size());
  sodium_memzero(t.data(), t.size());
  sodium_memzero(&keyed, sizeof keyed);
}

}  // namespace skymesh::wallet::detail
