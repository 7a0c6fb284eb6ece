// Skycoin's deterministic keys against its golden files: seed-0000..0010 (keys, addresses, signatures over
// input-hashes.golden) and many-addresses (1000 keys of one seed).
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "skymesh/cipher/cipher.hpp"
#include "vectors.hpp"

using namespace skymesh::cipher;
using skymesh::test::Json;

namespace {

struct Counts {
  std::size_t keys = 0;
  std::size_t signatures = 0;
};

// Checks every key of one seed file; signatures (when present) against the input hashes.
void check_seed_file(const Secp256k1& ctx, const std::filesystem::path& file, const std::vector<Sha256>& hashes,
                     Counts& counts) {
  INFO(file.filename().string());
  Json doc = skymesh::test::load_json(file);
  Bytes seed = skymesh::test::base64_decode(doc["seed"].as_string());
  const auto& expected = doc["keys"].as_array();
  auto generated = deterministic_key_pairs(ctx, seed, expected.size());
  REQUIRE(generated.ok());
  REQUIRE(generated.value().keys.size() == expected.size());

  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("key " << i);
    const Json& want = expected[i];
    const KeyPair& got = generated.value().keys[i];
    CHECK(got.secret_key.hex() == want["secret"].as_string());
    CHECK(got.public_key.hex() == want["public"].as_string());
    CHECK(public_key_from_secret(ctx, got.secret_key) == got.public_key);
    Address address = Address::from_public_key(got.public_key);
    CHECK(address.to_base58() == want["address"].as_string());
    auto decoded = Address::try_from_base58(want["address"].as_string());
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == address);
    CHECK(BitcoinAddress::from_public_key(got.public_key).to_base58() == want["bitcoin_address"].as_string());
    CHECK(BitcoinAddress::try_from_base58(want["bitcoin_address"].as_string()).ok());
    ++counts.keys;

    const Json* sigs = want.find("signatures");
    if (sigs == nullptr) continue;
    REQUIRE(sigs->as_array().size() == hashes.size());
    for (std::size_t j = 0; j < hashes.size(); ++j) {
      INFO("signature " << j);
      Signature sig = Signature::from_hex(sigs->as_array()[j].as_string());
      CHECK(verify(ctx, got.public_key, sig, hashes[j]).ok());
      CHECK(verify_address(ctx, address, sig, hashes[j]).ok());
      auto recovered = recover_public_key(ctx, sig, hashes[j]);
      REQUIRE(recovered.ok());
      CHECK(recovered.value() == got.public_key);
      // Ours differ (deterministic nonce vs Skycoin's random one) but must verify the same way.
      CHECK(verify(ctx, got.public_key, sign(ctx, hashes[j], got.secret_key), hashes[j]).ok());
      ++counts.signatures;
    }
  }
}

}  // namespace

TEST_CASE("deterministic keys, addresses and signatures match Skycoin's seed files") {
  SKYMESH_REQUIRE_VECTORS(dir);
  Secp256k1 ctx;
  std::vector<Sha256> hashes = skymesh::test::load_input_hashes(dir);
  REQUIRE(hashes.size() == 10);
  Counts counts;
  std::size_t files = 0;
  for (int n = 0; n <= 10; ++n) {
    char name[32];
    std::snprintf(name, sizeof name, "seed-%04d.golden", n);
    check_seed_file(ctx, dir / name, hashes, counts);
    ++files;
  }
  CHECK(files == 11);
  CHECK(counts.keys == 110);
  CHECK(counts.signatures == 1100);
  std::printf("seed vectors: %zu files, %zu keys, %zu signatures checked\n", files, counts.keys, counts.signatures);
}

TEST_CASE("a thousand deterministic keys match Skycoin's many-addresses file") {
  SKYMESH_REQUIRE_VECTORS(dir);
  Secp256k1 ctx;
  Counts counts;
  check_seed_file(ctx, dir / "many-addresses.golden", {}, counts);
  CHECK(counts.keys == 1000);
  std::printf("many-addresses: %zu keys checked\n", counts.keys);
}

TEST_CASE("the deterministic sequence continues from the returned seed") {
  Secp256k1 ctx;
  const std::string text = "skymesh continuation seed";
  ByteView seed = as_bytes(text);
  auto all = deterministic_key_pairs(ctx, seed, 6);
  REQUIRE(all.ok());
  auto first = deterministic_key_pairs(ctx, seed, 2);
  REQUIRE(first.ok());
  auto rest = deterministic_key_pairs(ctx, first.value().next_seed.view(), 4);
  REQUIRE(rest.ok());
  for (std::size_t i = 0; i < 4; ++i) CHECK(rest.value().keys[i].secret_key == all.value().keys[i + 2].secret_key);
  CHECK(rest.value().next_seed == all.value().next_seed);

  auto single = deterministic_key_pair(ctx, seed);
  REQUIRE(single.ok());
  CHECK(single.value().secret_key == all.value().keys[0].secret_key);
  auto step = deterministic_next(ctx, seed);
  REQUIRE(step.ok());
  CHECK(step.value().next_seed == secp256k1_hash(ctx, seed));
  CHECK(step.value().keys.public_key == all.value().keys[0].public_key);
}

TEST_CASE("deterministic keys refuse an empty seed") {
  Secp256k1 ctx;
  CHECK(deterministic_key_pairs(ctx, {}, 3).error() == CipherError::empty_seed);
  CHECK(deterministic_next(ctx, {}).error() == CipherError::empty_seed);
  CHECK(deterministic_key_pair(ctx, {}).error() == CipherError::empty_seed);
  auto none = deterministic_key_pairs(ctx, as_bytes("x"), 0);
  REQUIRE(none.ok());
  CHECK(none.value().keys.empty());
  CHECK(none.value().next_seed == SecretBytes(as_bytes("x")));
}
