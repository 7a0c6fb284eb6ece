// Shared fixtures of the consensus tests: deterministic keys (SHA-256 of "consensus test key i"), a trust set
// over the first n of them, and the chain id every test signs under.
#pragma once

#include <cstddef>
#include <vector>

#include "skymesh/cipher/keys.hpp"
#include "skymesh/consensus/trust_set.hpp"

namespace skymesh::consensus::test {

inline constexpr const char* k_chain_id = "skymesh-test";

const cipher::Secp256k1& context();
cipher::KeyPair test_key(std::size_t index);
std::vector<cipher::KeyPair> test_keys(std::size_t n);
TrustSet trust_set_of(const std::vector<cipher::KeyPair>& keys);

}  // namespace skymesh::consensus::test
