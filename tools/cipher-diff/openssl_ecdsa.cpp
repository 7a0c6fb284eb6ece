// OpenSSL 3 side of cipher-diff, on non-deprecated APIs only (EC_POINT, EVP_PKEY, ECDSA_SIG).
#include "openssl_ecdsa.hpp"

#include <stdexcept>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

namespace skymesh::tools {

namespace {

struct FreeAll {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, FreeAll>;

BIGNUM* bn_from(const uint8_t* bytes, int size) {
  return BN_bin2bn(bytes, size, nullptr);
}

}  // namespace

OpensslSecp256k1::OpensslSecp256k1()
    : group_(EC_GROUP_new_by_curve_name(NID_secp256k1)), bn_ctx_(BN_CTX_new()), half_order_(BN_new()) {
  if (!group_ || !bn_ctx_ || !half_order_) throw std::runtime_error("OpenSSL secp256k1 setup failed");
  BN_rshift1(half_order_.get(), EC_GROUP_get0_order(group_.get()));
}

Point33 OpensslSecp256k1::public_key(const Bytes32& secret) {
  Owned<BIGNUM> k(bn_from(secret.data(), 32));
  std::unique_ptr<EC_POINT, Free> point(EC_POINT_new(group_.get()));
  Point33 out{};
  if (!k || !point || EC_POINT_mul(group_.get(), point.get(), k.get(), nullptr, nullptr, bn_ctx_.get()) != 1 ||
      EC_POINT_point2oct(group_.get(), point.get(), POINT_CONVERSION_COMPRESSED, out.data(), out.size(),
                         bn_ctx_.get()) != out.size()) {
    throw std::runtime_error("OpenSSL EC_POINT_mul failed");
  }
  return out;
}

bool OpensslSecp256k1::load_key(const Bytes32& secret, const Point33& pub) {
  key_.reset();
  Owned<BIGNUM> k(bn_from(secret.data(), 32));
  Owned<OSSL_PARAM_BLD> build(OSSL_PARAM_BLD_new());
  if (!k || !build || OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "secp256k1", 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, k.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size()) != 1) {
    return false;
  }
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(build.get()));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return false;
  }
  key_.reset(pkey);
  return true;
}

std::optional<CompactSig> OpensslSecp256k1::sign(const Bytes32& digest) {
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
  std::vector<uint8_t> der(80);
  std::size_t der_size = der.size();
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_sign(ctx.get(), der.data(), &der_size, digest.data(), digest.size()) != 1) {
    return std::nullopt;
  }
  const uint8_t* cursor = der.data();
  Owned<ECDSA_SIG> parsed(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_size)));
  if (!parsed) return std::nullopt;
  CompactSig out{};
  if (BN_bn2binpad(ECDSA_SIG_get0_r(parsed.get()), out.data(), 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(parsed.get()), out.data() + 32, 32) != 32) {
    return std::nullopt;
  }
  return out;
}

bool OpensslSecp256k1::verify(const CompactSig& sig, const Bytes32& digest) {
  Owned<ECDSA_SIG> parsed(ECDSA_SIG_new());
  BIGNUM* r = bn_from(sig.data(), 32);
  BIGNUM* s = bn_from(sig.data() + 32, 32);
  if (!parsed || !r || !s || ECDSA_SIG_set0(parsed.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  int der_size = i2d_ECDSA_SIG(parsed.get(), &der);
  if (der_size <= 0) return false;
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
  bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
            EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(der_size), digest.data(), digest.size()) == 1;
  OPENSSL_free(der);
  return ok;
}

CompactSig OpensslSecp256k1::normalize_low_s(const CompactSig& sig) {
  Owned<BIGNUM> s(bn_from(sig.data() + 32, 32));
  CompactSig out = sig;
  if (BN_cmp(s.get(), half_order_.get()) > 0) {
    BN_sub(s.get(), EC_GROUP_get0_order(group_.get()), s.get());
    BN_bn2binpad(s.get(), out.data() + 32, 32);
  }
  return out;
}

}  // namespace skymesh::tools
