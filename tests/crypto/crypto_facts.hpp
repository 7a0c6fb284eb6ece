// Plain facts the crypto serverlet's tests check against (no files needed), and deterministic test inputs.
#pragma once

#include <string>

#include "skymesh/cipher/cipher.hpp"

namespace skymesh::test::crypto_facts {

// Skycoin's seed-0000.golden: its seed text and first key, written here so the test checks them without files.
inline constexpr const char* k_seed_text =
    "hobby grace lumber curve double scorpion rotate inspire shiver address weapon door";
inline constexpr const char* k_secret0 = "6614f0956f4e08e07ec2d4c2767b9f7121449fc2269e2b22f1a549d63e9f719b";
inline constexpr const char* k_public0 = "03b79123b2a3100420b19cccbfc688aa39f510b8491b67bdd296a92a021a3d0d8e";
inline constexpr const char* k_address0 = "cfb24jWcms9pZtvEx3UjUuLPdT6rbx6r9M";
inline constexpr const char* k_bitcoin0 = "1GJ3vu6ZiskrnP7korsBVEanxb6fpqDjat";
inline constexpr const char* k_curve_order = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// A deterministic test key (the i-th), its public key and a digest it signs.
inline cipher::SecretKey test_secret(int i) {
  return cipher::SecretKey::from_bytes(cipher::sha256(cipher::as_bytes("service key " + std::to_string(i))).view());
}
inline cipher::Sha256 test_digest(int i) {
  return cipher::sha256(cipher::as_bytes("service digest " + std::to_string(i)));
}

}  // namespace skymesh::test::crypto_facts
