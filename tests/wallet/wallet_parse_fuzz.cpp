// Fuzz target for the wallet file decoder: any bytes either fail with a WalletError or give a wallet whose
// written form reads back to the same text. Its corpus (tests/wallet/fuzz_corpus) also runs as a ctest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/wallet/wallet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const skymesh::cipher::Secp256k1 ctx;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto wallet = skymesh::wallet::Wallet::parse(ctx, text);
  if (!wallet.ok()) return 0;
  const std::string written = wallet->serialize();
  auto again = skymesh::wallet::Wallet::parse(ctx, written);
  if (!again.ok() || again->serialize() != written) std::abort();
  return 0;
}
