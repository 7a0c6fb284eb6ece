// The independent side of cipher-diff: secp256k1 ECDSA done by OpenSSL's libcrypto (EC_POINT arithmetic and
// EVP_PKEY signing on a raw 32-byte digest), with signatures converted between DER and r(32)||s(32).
// One object per thread; nothing here is shared.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

namespace skymesh::tools {

using Bytes32 = std::array<uint8_t, 32>;
using Point33 = std::array<uint8_t, 33>;
using CompactSig = std::array<uint8_t, 64>;  // r || s, big-endian

class OpensslSecp256k1 {
 public:
  OpensslSecp256k1();
  OpensslSecp256k1(const OpensslSecp256k1&) = delete;
  OpensslSecp256k1& operator=(const OpensslSecp256k1&) = delete;

  // compress(secret * G), computed by OpenSSL.
  Point33 public_key(const Bytes32& secret);
  // Loads a key pair for signing and verifying; false if OpenSSL refuses it.
  bool load_key(const Bytes32& secret, const Point33& pub);
  // ECDSA over the digest as is (no hashing); OpenSSL's S may be high. Requires load_key().
  std::optional<CompactSig> sign(const Bytes32& digest);
  // OpenSSL's verdict on r||s over digest for the loaded key (any S accepted, as OpenSSL does).
  bool verify(const CompactSig& sig, const Bytes32& digest);
  // n - s when s > n/2, so that the signature has Skycoin's low-S form.
  CompactSig normalize_low_s(const CompactSig& sig);

 private:
  struct Free {
    void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
    void operator()(EC_POINT* p) const { EC_POINT_free(p); }
    void operator()(BN_CTX* p) const { BN_CTX_free(p); }
    void operator()(BIGNUM* p) const { BN_clear_free(p); }
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  };
  std::unique_ptr<EC_GROUP, Free> group_;
  std::unique_ptr<BN_CTX, Free> bn_ctx_;
  std::unique_ptr<BIGNUM, Free> half_order_;
  std::unique_ptr<EVP_PKEY, Free> key_;
};

}  // namespace skymesh::tools
