// SHA-256, RIPEMD-160 and Skycoin's Merkle root against published and hand-built expectations.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <sodium.h>

#include "skymesh/cipher/hash.hpp"

using namespace skymesh::cipher;

namespace {

std::string ripemd_hex(const std::string& text) {
  return ripemd160(as_bytes(text)).hex();
}

Sha256 byte_hash(uint8_t i) {
  const uint8_t one[1] = {i};
  return sha256(one);
}

}  // namespace

TEST_CASE("SHA-256 gives the FIPS 180-2 digests") {
  CHECK(sha256(as_bytes("")).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256(as_bytes("abc")).hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256(as_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).hex() ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("SHA-256 agrees with libsodium's at every length around the block boundaries and beyond") {
  // Every length from 0 to 300 (the padding cases at 55, 56, 63, 64, 119, 120 ... among them), then a few
  // long ones, of bytes that differ from one position to the next.
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (size_t n : {1000u, 4095u, 4096u, 65537u}) lengths.push_back(n);
  for (size_t n : lengths) {
    std::vector<uint8_t> data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 131 + n);
    Sha256 expected;
    crypto_hash_sha256(expected.data(), data.data(), data.size());
    INFO("length " << n);
    CHECK(sha256(data) == expected);
    const size_t cut = n / 3;
    CHECK(sha256(ByteView(data.data(), cut), ByteView(data.data() + cut, n - cut)) == expected);
  }
}

TEST_CASE("double SHA-256 hashes the digest again") {
  CHECK(double_sha256(as_bytes("hello")).hex() == "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50");
  CHECK(double_sha256(as_bytes("abc")) == sha256(sha256(as_bytes("abc")).view()));
}

TEST_CASE("add_sha256 and the two-part sha256 hash the concatenation") {
  Sha256 a = sha256(as_bytes("a"));
  Sha256 b = sha256(as_bytes("b"));
  std::vector<uint8_t> joined(a.bytes().begin(), a.bytes().end());
  joined.insert(joined.end(), b.bytes().begin(), b.bytes().end());
  CHECK(add_sha256(a, b) == sha256(joined));
  CHECK(sha256(as_bytes("ab"), as_bytes("c")) == sha256(as_bytes("abc")));
  CHECK(sha256(as_bytes(""), as_bytes("")) == sha256(as_bytes("")));
}

TEST_CASE("RIPEMD-160 matches the standard test vectors") {
  CHECK(ripemd_hex("") == "9c1185a5c5e9fc54612808977ee8f548b2258d31");
  CHECK(ripemd_hex("a") == "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe");
  CHECK(ripemd_hex("abc") == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  CHECK(ripemd_hex("message digest") == "5d0689ef49d2fae572b881b123a85ffa21595f36");
  CHECK(ripemd_hex("abcdefghijklmnopqrstuvwxyz") == "f71c27109c692c1b56bbdceb5b9d2865b3708dbc");
  CHECK(ripemd_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "12a053384a9c0c88e405a06c27dcf49ada62eb2b");
  CHECK(ripemd_hex("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
        "b0e20b6e3116640286ed3a87a5713079b21f5189");
  std::string eight_times;
  for (int i = 0; i < 8; ++i) eight_times += "1234567890";
  CHECK(ripemd_hex(eight_times) == "9b752e45573d4b39f4dbd3323cab82bf63326bfb");
  CHECK(ripemd_hex(std::string(1000000, 'a')) == "52783243c1697bdbe16d37f97f68f08325dc1528");
}

TEST_CASE("RIPEMD-160 pads correctly at the block boundaries") {
  // Lengths where the padding spills into a second block, or fills one exactly.
  CHECK(ripemd_hex(std::string(55, 'a')) == "0d8a8c9063a48576a7c97e9f95253a6e53ff6765");
  CHECK(ripemd_hex(std::string(56, 'a')) == "e72334b46c83cc70bef979e15453706c95b888be");
  CHECK(ripemd_hex(std::string(64, 'a')) == "9dfb7d374ad924f3f88de96291c33e9abed53e32");
}

TEST_CASE("hash160 is RIPEMD-160 of SHA-256") {
  CHECK(hash160(as_bytes("abc")).hex() == "bb1be98c142444d7a56aa3981c3942a978e4dc33");
}

TEST_CASE("the Merkle root of one hash is the hash itself") {
  std::vector<Sha256> one = {byte_hash(0)};
  CHECK(merkle_root(one) == one[0]);
}

TEST_CASE("the Merkle root of two hashes is their add_sha256") {
  std::vector<Sha256> h = {byte_hash(0), byte_hash(1)};
  CHECK(merkle_root(h) == add_sha256(h[0], h[1]));
  CHECK(merkle_root(h).hex() == "30e1867424e66e8b6d159246db94e3486778136f7e386ff5f001859d6b8484ab");
}

TEST_CASE("the Merkle root of three hashes pads the fourth with zeros") {
  std::vector<Sha256> h = {byte_hash(0), byte_hash(1), byte_hash(2)};
  Sha256 zero;
  CHECK(merkle_root(h) == add_sha256(add_sha256(h[0], h[1]), add_sha256(h[2], zero)));
  CHECK(merkle_root(h).hex() == "7ee5fcde741ff935e2c5fee3f08c8761b800957f20035d9d5dac2897f942a5eb");
}

TEST_CASE("the Merkle root of five hashes pads to eight") {
  std::vector<Sha256> h = {byte_hash(0), byte_hash(1), byte_hash(2), byte_hash(3), byte_hash(4)};
  Sha256 zero;
  Sha256 left = add_sha256(add_sha256(h[0], h[1]), add_sha256(h[2], h[3]));
  Sha256 right = add_sha256(add_sha256(h[4], zero), add_sha256(zero, zero));
  CHECK(merkle_root(h) == add_sha256(left, right));
  CHECK(merkle_root(h).hex() == "41886469306e351e1887e826f9fd0a51c08cfa38881129135e646320e3a134a2");
}

TEST_CASE("the Merkle root of no hashes is the zero hash") {
  CHECK(merkle_root({}).is_null());
}
