// Recoverable signatures on libsecp256k1's recovery module, with Skycoin's acceptance rules on top.
#include "skymesh/cipher/signature.hpp"

#include <secp256k1_recovery.h>

#include "internal.hpp"

namespace skymesh::cipher {

namespace {

constexpr std::size_t k_recovery_byte = 64;

}  // namespace

Signature sign(const Secp256k1& ctx, const Sha256& digest, const SecretKey& secret) {
  if (digest.is_null()) throw CipherException(Fault{CipherError::null_digest, "refusing to sign the zero digest"});
  secp256k1_ecdsa_recoverable_signature raw;
  // A null nonce function selects RFC6979; libsecp256k1 always returns low S (flipping the recovery id).
  if (secp256k1_ecdsa_sign_recoverable(ctx.get(), &raw, digest.data(), secret.data(), nullptr, nullptr) != 1) {
    throw CipherException(Fault{CipherError::invalid_secret_key, "secp256k1 refused to sign with a validated key"});
  }
  Signature sig;
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx.get(), sig.data(), &recid, &raw);
  sig.data()[k_recovery_byte] = static_cast<uint8_t>(recid);
  return sig;
}

Outcome<void> check_signature_form(const Signature& sig) {
  if ((sig.data()[32] & 0x80) != 0) return Fault{CipherError::high_s, "top bit of s is set (malleable form)"};
  if (sig.data()[k_recovery_byte] >= 4) {
    return Fault{CipherError::invalid_recovery_id,
                 "recovery id " + std::to_string(sig.data()[k_recovery_byte]) + " is not below 4"};
  }
  return {};
}

Outcome<PublicKey> recover_public_key(const Secp256k1& ctx, const Signature& sig, const Sha256& digest) {
  int recid = sig.data()[k_recovery_byte];
  // Checked here: libsecp256k1 treats an out-of-range id as a programming error and aborts.
  if (recid >= 4) {
    return Fault{CipherError::invalid_recovery_id, "recovery id " + std::to_string(recid) + " is not below 4"};
  }
  secp256k1_ecdsa_recoverable_signature raw;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx.get(), &raw, sig.data(), recid) != 1) {
    return Fault{CipherError::invalid_signature, "r or s is not below the curve order"};
  }
  secp256k1_pubkey point;
  if (secp256k1_ecdsa_recover(ctx.get(), &point, &raw, digest.data()) != 1) {
    return Fault{CipherError::invalid_signature, "no public key can be recovered from this signature"};
  }
  return detail::KeyAccess::public_key(detail::serialize_compressed(ctx, point));
}

Outcome<void> verify(const Secp256k1& ctx, const PublicKey& pub, const Signature& sig, const Sha256& digest) {
  auto form = check_signature_form(sig);
  if (!form) return form;
  auto recovered = recover_public_key(ctx, sig, digest);
  if (!recovered) return recovered.fault();
  if (recovered.value() != pub) {
    return Fault{CipherError::public_key_mismatch, "signature was not made by this key over this digest"};
  }
  return {};
}

Outcome<void> verify_address(const Secp256k1& ctx, const Address& address, const Signature& sig, const Sha256& digest) {
  auto form = check_signature_form(sig);
  if (!form) return form;
  auto recovered = recover_public_key(ctx, sig, digest);
  if (!recovered) return recovered.fault();
  if (Address::from_public_key(recovered.value()) != address) {
    return Fault{CipherError::address_mismatch, "signature was not made by this address over this digest"};
  }
  return {};
}

}  // namespace skymesh::cipher
