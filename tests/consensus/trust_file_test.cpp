// The trust file (common/consensus/trust_file.hpp) that the consensus serverlet and its chain read: members with
// their keys, endpoints and optional bus keys, and every malformed file refused naming the file, line and field.
#include <string>

#include <catch2/catch.hpp>

#include "skymesh/consensus/trust_file.hpp"

using namespace skymesh;
using consensus::parse_trust_file;

namespace {

std::string key_hex(const cipher::Secp256k1& ctx, const char* name) {
  auto secret = cipher::SecretKey::from_bytes(cipher::sha256(cipher::as_bytes(name)).view());
  return cipher::public_key_from_secret(ctx, secret).hex();
}

}  // namespace

TEST_CASE("a trust file lists each member's key, endpoint and optional bus key") {
  const cipher::Secp256k1 ctx;
  const std::string a = key_hex(ctx, "a"), b = key_hex(ctx, "b");
  auto members = parse_trust_file(ctx,
                                  "[[node]]\npublic_key = \"" + a + "\"\nendpoint = \"tcp://127.0.0.1:7010\"\n\n" +
                                      "[[node]]\npublic_key = \"" + b +
                                      "\"\nendpoint = \"tcp://10.0.0.2:7010\"\nbus_key = \"Z85KEY\"\n",
                                  "trust.toml");
  REQUIRE(members.ok());
  REQUIRE(members.value().size() == 2);
  CHECK(members.value()[0].public_key.hex() == a);
  CHECK(members.value()[0].endpoint == "tcp://127.0.0.1:7010");
  CHECK(members.value()[0].bus_key.empty());
  CHECK(members.value()[1].public_key.hex() == b);
  CHECK(members.value()[1].bus_key == "Z85KEY");
}

TEST_CASE("a malformed trust file is refused naming the file, the line and the field") {
  const cipher::Secp256k1 ctx;
  const std::string a = key_hex(ctx, "a");
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"", "holds no [[node]] table"},
      {"node = 3\n", "holds no [[node]] table"},
      {"[[node]]\nendpoint = \"tcp://x:1\"\n", "trust.toml:1: public_key (hex string) is required"},
      {"[[node]]\npublic_key = \"02zz\"\nendpoint = \"tcp://x:1\"\n", "trust.toml:2: public_key:"},
      {"[[node]]\npublic_key = \"" + a.substr(0, 64) + "\"\nendpoint = \"tcp://x:1\"\n", "trust.toml:2: public_key:"},
      {"[[node]]\npublic_key = \"" + a + "\"\n", "endpoint (string) is required"},
      {"[[node]]\npublic_key = \"" + a + "\"\nendpoint = \"tcp://x:1\"\nbus_key = 5\n",
       "trust.toml:4: bus_key must be a string"},
      {"[[node]\n", "trust.toml:1"},
  };
  for (const Case& c : cases) {
    auto members = parse_trust_file(ctx, c.text, "trust.toml");
    INFO(c.text);
    REQUIRE(!members.ok());
    CHECK(members.error() == consensus::ConsensusError::invalid_trust_set);
    INFO(members.message());
    CHECK(members.message().find(c.expected) != std::string::npos);
  }
}

TEST_CASE("a trust file that cannot be read is refused naming it") {
  const cipher::Secp256k1 ctx;
  auto members = consensus::read_trust_file(ctx, "no/such/trust.toml");
  REQUIRE_FALSE(members.ok());
  CHECK(members.message() == "cannot read no/such/trust.toml");
}
