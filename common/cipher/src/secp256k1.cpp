// The context owner: created once, randomised with fresh libsodium randomness (blinding for signing and key
// generation), destroyed with its owner.
#include "skymesh/cipher/secp256k1.hpp"

#include <array>
#include <stdexcept>

#include <secp256k1.h>
#include <sodium.h>

namespace skymesh::cipher {

Secp256k1::Secp256k1() {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
  ctx_.reset(secp256k1_context_create(SECP256K1_CONTEXT_NONE));
  if (!ctx_) throw std::runtime_error("secp256k1_context_create failed");
  std::array<uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  int randomized = secp256k1_context_randomize(ctx_.get(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  if (randomized != 1) throw std::runtime_error("secp256k1_context_randomize failed");
}

void Secp256k1::Deleter::operator()(secp256k1_context_struct* ctx) const noexcept {
  secp256k1_context_destroy(ctx);
}

}  // namespace skymesh::cipher
