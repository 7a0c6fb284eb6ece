// BIP32 against Skycoin's seed-bip32-*.golden files (xpriv, xpub, identifier, depth, child number, path, and
// the derived secret, public key, addresses and signatures), plus BIP32's own test vector 1 and refusals.
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

void check_bip32_file(const Secp256k1& ctx, const std::filesystem::path& file, const std::vector<Sha256>& hashes,
                      Counts& counts) {
  INFO(file.filename().string());
  Json doc = skymesh::test::load_json(file);
  Bytes seed = skymesh::test::base64_decode(doc["seed"].as_string());
  const std::string& base_path = doc["base_path"].as_string();
  auto base = ExtendedPrivateKey::from_path(ctx, seed, base_path);
  REQUIRE(base.ok());
  const auto& children = doc["child_numbers"].as_array();
  const auto& keys = doc["keys"].as_array();
  REQUIRE(children.size() == keys.size());

  for (std::size_t i = 0; i < keys.size(); ++i) {
    const Json& want = keys[i];
    auto index = static_cast<uint32_t>(children[i].as_uint());
    INFO("child " << index);
    auto child = base.value().child(ctx, index);
    REQUIRE(child.ok());
    const ExtendedPrivateKey& xpriv = child.value();
    CHECK(xpriv.to_base58() == want["xpriv"].as_string());
    CHECK(xpriv.neuter().to_base58() == want["xpub"].as_string());
    CHECK(xpriv.identifier().hex() == want["identifier"].as_string());
    CHECK(xpriv.meta().depth == want["depth"].as_uint());
    CHECK(xpriv.meta().child_number == want["child_number"].as_uint());

    // The same key from its full path, from the public parent (normal children), and parsed back.
    CHECK(want["path"].as_string() == base_path + "/" + std::to_string(index));
    auto by_path = ExtendedPrivateKey::from_path(ctx, seed, want["path"].as_string());
    REQUIRE(by_path.ok());
    CHECK(by_path.value().to_base58() == want["xpriv"].as_string());
    if (index < k_first_hardened_child) {
      auto public_child = base.value().neuter().child(ctx, index);
      REQUIRE(public_child.ok());
      CHECK(public_child.value().to_base58() == want["xpub"].as_string());
    }
    auto parsed = ExtendedPrivateKey::try_from_base58(ctx, want["xpriv"].as_string());
    REQUIRE(parsed.ok());
    CHECK(parsed.value().to_base58() == want["xpriv"].as_string());
    auto parsed_pub = ExtendedPublicKey::try_from_base58(ctx, want["xpub"].as_string());
    REQUIRE(parsed_pub.ok());
    CHECK(parsed_pub.value().to_base58() == want["xpub"].as_string());

    CHECK(xpriv.secret_key().hex() == want["secret"].as_string());
    CHECK(xpriv.public_key().hex() == want["public"].as_string());
    Address address = Address::from_public_key(xpriv.public_key());
    CHECK(address.to_base58() == want["address"].as_string());
    CHECK(BitcoinAddress::from_public_key(xpriv.public_key()).to_base58() == want["bitcoin_address"].as_string());
    ++counts.keys;

    const auto& sigs = want["signatures"].as_array();
    REQUIRE(sigs.size() == hashes.size());
    for (std::size_t j = 0; j < hashes.size(); ++j) {
      INFO("signature " << j);
      Signature sig = Signature::from_hex(sigs[j].as_string());
      CHECK(verify(ctx, xpriv.public_key(), sig, hashes[j]).ok());
      CHECK(verify_address(ctx, address, sig, hashes[j]).ok());
      ++counts.signatures;
    }
  }
}

}  // namespace

TEST_CASE("BIP32 keys match Skycoin's seed-bip32 files") {
  SKYMESH_REQUIRE_VECTORS(dir);
  Secp256k1 ctx;
  std::vector<Sha256> hashes = skymesh::test::load_input_hashes(dir);
  Counts counts;
  std::size_t files = 0;
  for (int n = 0; n <= 9; ++n) {
    char name[40];
    std::snprintf(name, sizeof name, "seed-bip32-%04d.golden", n);
    check_bip32_file(ctx, dir / name, hashes, counts);
    ++files;
  }
  CHECK(counts.keys == 90);
  CHECK(counts.signatures == 900);
  std::printf("bip32 vectors: %zu files, %zu keys, %zu signatures checked\n", files, counts.keys, counts.signatures);
}

TEST_CASE("BIP32 test vector 1 gives the published m and m/0H keys") {
  Secp256k1 ctx;
  Bytes seed = from_hex("000102030405060708090a0b0c0d0e0f");
  auto master = ExtendedPrivateKey::master(ctx, seed);
  REQUIRE(master.ok());
  CHECK(master.value().to_base58() ==
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPP"
        "qjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi");
  CHECK(master.value().neuter().to_base58() ==
        "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhe"
        "PY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8");
  auto child = ExtendedPrivateKey::from_path(ctx, seed, "m/0'");
  REQUIRE(child.ok());
  CHECK(child.value().to_base58() ==
        "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvU"
        "xt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7");
  CHECK(child.value().neuter().to_base58() ==
        "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEj"
        "WgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw");
}

TEST_CASE("BIP32 paths parse and bad ones are refused") {
  auto path = parse_bip32_path("m/44'/0h/7");
  REQUIRE(path.ok());
  CHECK(path.value() == std::vector<uint32_t>{44 | k_first_hardened_child, 0 | k_first_hardened_child, 7});
  CHECK(parse_bip32_path("m").value().empty());
  for (const char* bad : {"", "44'/0", "m/", "m//1", "m/x", "m/1''", "m/2147483648", "m/-1", "n/1", "m/1/"}) {
    INFO(bad);
    CHECK(parse_bip32_path(bad).error() == CipherError::invalid_path);
  }
}

TEST_CASE("extended keys refuse bad seeds, checksums, versions and hardened public children") {
  Secp256k1 ctx;
  CHECK(ExtendedPrivateKey::master(ctx, Bytes(15, 1)).error() == CipherError::invalid_seed_length);
  CHECK(ExtendedPrivateKey::master(ctx, Bytes(65, 1)).error() == CipherError::invalid_seed_length);

  auto master = ExtendedPrivateKey::master(ctx, Bytes(32, 7));
  REQUIRE(master.ok());
  std::string xprv = master.value().to_base58();
  std::string xpub = master.value().neuter().to_base58();
  CHECK(ExtendedPrivateKey::try_from_base58(ctx, xpub).error() == CipherError::invalid_version);
  CHECK(ExtendedPublicKey::try_from_base58(ctx, xprv).error() == CipherError::invalid_version);

  Bytes raw = base58_decode(xprv);
  raw[50] ^= 1;
  CHECK(ExtendedPrivateKey::try_from_base58(ctx, base58_encode(raw)).error() == CipherError::invalid_checksum);
  raw.pop_back();
  CHECK(ExtendedPrivateKey::try_from_base58(ctx, base58_encode(raw)).error() == CipherError::invalid_length);
  CHECK(ExtendedPrivateKey::try_from_base58(ctx, "").error() == CipherError::invalid_base58);

  auto hardened = master.value().neuter().child(ctx, k_first_hardened_child);
  REQUIRE_FALSE(hardened.ok());
  CHECK(hardened.error() == CipherError::hardened_from_public);
}
