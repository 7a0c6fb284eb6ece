// Fuzz target for the coin library's decoders: arbitrary bytes as a transaction, a block header, a block, a
// signed block and an unspent output. Nothing may crash, leak or trip a sanitizer; every refusal comes back as a
// Result error. Whatever decodes must re-encode to the same bytes (one encoding per value), and a decoded
// transaction's rule checks must run to an answer.
#include <cstddef>
#include <cstdint>

#include "skymesh/coin/coin.hpp"

namespace {

using namespace skymesh;

template <typename T>
void require_round_trip(const coin::Result<T>& decoded, coin::ByteView bytes) {
  if (!decoded) return;
  const coin::Bytes again = coin::encode(decoded.value());
  if (again.size() != bytes.size() || !std::equal(again.begin(), again.end(), bytes.begin())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const coin::ByteView bytes(data, size);
  auto tx = coin::decode_transaction(bytes);
  require_round_trip(tx, bytes);
  if (tx) {
    cipher::Secp256k1 ctx;
    (void)coin::check_transaction_form(ctx, tx.value());
    (void)coin::transaction_id(tx.value());
  }
  require_round_trip(coin::decode_block_header(bytes), bytes);
  require_round_trip(coin::decode_block(bytes), bytes);
  require_round_trip(coin::decode_signed_block(bytes), bytes);
  require_round_trip(coin::decode_ux_out(bytes), bytes);
  return 0;
}
