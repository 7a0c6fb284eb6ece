#include "consensus_fixture.hpp"

#include <string>

#include "skymesh/cipher/hash.hpp"

namespace skymesh::consensus::test {

const cipher::Secp256k1& context() {
  static const cipher::Secp256k1 ctx;
  return ctx;
}

cipher::KeyPair test_key(std::size_t index) {
  const std::string seed = "consensus test key " + std::to_string(index);
  const auto secret = cipher::SecretKey::from_bytes(cipher::sha256(cipher::as_bytes(seed)).view());
  return cipher::KeyPair{cipher::public_key_from_secret(context(), secret), secret};
}

std::vector<cipher::KeyPair> test_keys(std::size_t n) {
  std::vector<cipher::KeyPair> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back(test_key(i));
  return keys;
}

TrustSet trust_set_of(const std::vector<cipher::KeyPair>& keys) {
  std::vector<cipher::PublicKey> pubs;
  for (const auto& k : keys) pubs.push_back(k.public_key);
  return TrustSet::create(std::move(pubs)).value();
}

}  // namespace skymesh::consensus::test
