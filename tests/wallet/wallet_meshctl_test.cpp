// skymesh-wallet as a thin client uses it: the real executable driven by meshctl in JSON.
#include <catch2/catch.hpp>

#include <string>

#include "../tools/meshctl_runner.hpp"
#include "child_process.hpp"
#include "wallet_test_support.hpp"

using skymesh::test::ChildProcess;
using skymesh::test::json_field;
using skymesh::test::meshctl;
using skymesh::test::Run;

TEST_CASE("skymesh-wallet answers meshctl's create, list, addresses, seed and send in JSON") {
  skymesh::wallet::test::TempDir dir;
  ChildProcess wallets("skymesh-wallet", {"--data", dir.path().string(), "--log-level", "warn"});
  REQUIRE_FALSE(wallets.endpoint().empty());
  const std::string call = "--connect " + wallets.endpoint() + " call ";

  Run made = meshctl(call +
                     "wallet.create '{\"label\":\"savings\",\"seed\":\"meshctl seed\",\"encrypt\":true,\"password\":"
                     "\"pw\",\"cryptoType\":\"scrypt-chacha20poly1305-insecure\",\"addresses\":2}'");
  REQUIRE(made.code == 0);
  const std::string id = json_field(made.out, "id");
  CHECK(id.ends_with(".wlt"));
  CHECK(made.out.find("\"seed\"") == std::string::npos);  // a seed the caller gave is not echoed

  Run listed = meshctl(call + "wallet.list '{}'");
  CHECK(listed.code == 0);
  CHECK(listed.out.find("\"label\":\"savings\"") != std::string::npos);
  CHECK(listed.out.find("\"encrypted\":true") != std::string::npos);

  Run more = meshctl(call + "wallet.addresses '{\"id\":\"" + id + "\",\"count\":1,\"password\":\"pw\"}'");
  CHECK(more.code == 0);
  CHECK(more.out.find("\"created\":[\"") != std::string::npos);

  Run seed = meshctl(call + "wallet.seed '{\"id\":\"" + id + "\",\"password\":\"pw\"}'");
  CHECK(seed.code == 0);
  CHECK(json_field(seed.out, "seed") == "meshctl seed");
  Run wrong = meshctl(call + "wallet.seed '{\"id\":\"" + id + "\",\"password\":\"nope\"}'");
  CHECK(wrong.code != 0);
  CHECK(wrong.out.find("unauthorized") != std::string::npos);

  Run bad = meshctl(call + "wallet.send '{\"id\":\"" + id + "\",\"to\":[{\"address\":\"xyz\",\"coins\":\"1.5\"}]}'");
  CHECK(bad.code != 0);
  CHECK(bad.out.find("bad_request") != std::string::npos);
  CHECK(bad.out.find("invalid_address") != std::string::npos);
}
