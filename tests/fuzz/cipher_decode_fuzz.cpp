// Fuzz target for the cipher library's parsers: arbitrary bytes as an address string, base58, hex, BIP32
// extended keys, key bytes and signatures (parsed, recovered, verified). Nothing may crash, leak or trip a
// sanitizer; every refusal must come back as an Outcome error, never as an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "skymesh/cipher/cipher.hpp"

namespace {

using namespace skymesh::cipher;

void exercise_text(const Secp256k1& ctx, std::string_view text) {
  if (auto address = Address::try_from_base58(text)) {
    // A decoded address must re-encode to the same text.
    if (address.value().to_base58() != text) __builtin_trap();
  }
  (void)BitcoinAddress::try_from_base58(text);
  if (auto bytes = try_base58_decode(text)) {
    if (try_base58_decode(base58_encode(bytes.value())).value() != bytes.value()) __builtin_trap();
  }
  if (auto bytes = try_from_hex(text)) {
    if (auto sig = Signature::try_from_bytes(bytes.value())) {
      Sha256 digest = sha256(as_bytes(text));
      if (auto pub = recover_public_key(ctx, sig.value(), digest)) {
        (void)verify(ctx, pub.value(), sig.value(), digest);
      }
    }
    (void)PublicKey::try_from_bytes(ctx, bytes.value());
    (void)SecretKey::try_from_bytes(bytes.value());
  }
  (void)ExtendedPrivateKey::try_from_base58(ctx, text);
  (void)ExtendedPublicKey::try_from_base58(ctx, text);
  (void)parse_bip32_path(text);
}

// Raw layout: signature(65) || digest(32) || public key(33), as far as the input reaches.
void exercise_raw(const Secp256k1& ctx, const uint8_t* data, size_t size) {
  if (size < Signature::k_size + Sha256::k_size) return;
  Signature sig = Signature::from_bytes(ByteView(data, Signature::k_size));
  Sha256 digest = Sha256::from_bytes(ByteView(data + Signature::k_size, Sha256::k_size));
  auto recovered = recover_public_key(ctx, sig, digest);
  (void)check_signature_form(sig);
  (void)verify_address(ctx, Address(), sig, digest);
  ByteView rest(data + Signature::k_size + Sha256::k_size, size - Signature::k_size - Sha256::k_size);
  if (auto pub = PublicKey::try_from_bytes(ctx, rest.first(std::min<size_t>(rest.size(), PublicKey::k_size)))) {
    auto result = verify(ctx, pub.value(), sig, digest);
    // Acceptance must agree with recovery.
    if (result.ok() && (!recovered.ok() || recovered.value() != pub.value())) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A context per input keeps the harness free of globals; creating one is cheap (no precomputation).
  Secp256k1 ctx;
  exercise_text(ctx, std::string_view(reinterpret_cast<const char*>(data), size));
  exercise_raw(ctx, data, size);
  return 0;
}
