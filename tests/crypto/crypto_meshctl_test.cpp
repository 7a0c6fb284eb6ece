// skymesh-crypto as a person uses it: the real executable, driven by meshctl.
#include <string>

#include <catch2/catch.hpp>

#include "../tools/meshctl_runner.hpp"
#include "child_process.hpp"
#include "crypto_facts.hpp"

using skymesh::test::ChildProcess;
using skymesh::test::json_field;
using skymesh::test::meshctl;
using skymesh::test::Run;
using namespace skymesh;
using namespace skymesh::test::crypto_facts;

TEST_CASE("skymesh-crypto answers meshctl's derive, sign and verify in JSON") {
  ChildProcess crypto("skymesh-crypto", {"--log-level", "warn"});
  REQUIRE(!crypto.endpoint().empty());
  const std::string call = "--connect " + crypto.endpoint() + " call ";
  const std::string seed = cipher::to_hex(cipher::as_bytes(k_seed_text));

  Run derived = meshctl(call + "crypto.derive '{\"seed\":\"" + seed + "\",\"count\":1}'");
  CHECK(derived.code == 0);
  CHECK(derived.out.rfind(std::string("{\"keys\":[{\"secret\":\"") + k_secret0 + "\",\"public\":\"" + k_public0 +
                              "\",\"address\":\"" + k_address0 + "\"}],\"nextSeed\":\"",
                          0) == 0);

  const std::string digest = test_digest(0).hex();
  Run signed_run = meshctl(call + "crypto.sign '{\"digest\":\"" + digest + "\",\"secret\":\"" + k_secret0 + "\"}'");
  CHECK(signed_run.code == 0);
  const std::string signature = json_field(signed_run.out, "signature");
  CHECK(signature.size() == 130);

  Run by_key = meshctl(call + "crypto.verify '{\"digest\":\"" + digest + "\",\"signature\":\"" + signature +
                       "\",\"public\":\"" + k_public0 + "\"}'");
  CHECK(by_key.code == 0);
  CHECK(by_key.out == "{\"valid\":true}\n");
  Run by_address = meshctl(call + "crypto.verify '{\"digest\":\"" + digest + "\",\"signature\":\"" + signature +
                           "\",\"address\":\"" + k_address0 + "\"}'");
  CHECK(by_address.out == "{\"valid\":true}\n");
  const std::string other_digest = test_digest(1).hex();
  Run wrong = meshctl(call + "crypto.verify '{\"digest\":\"" + other_digest + "\",\"signature\":\"" + signature +
                      "\",\"public\":\"" + k_public0 + "\"}'");
  CHECK(wrong.code == 0);
  CHECK(wrong.out.rfind("{\"valid\":false,\"reason\":\"public_key_mismatch: ", 0) == 0);
}

TEST_CASE("meshctl shows a malformed crypto request as bad_request and the serverlet keeps serving") {
  ChildProcess crypto("skymesh-crypto", {"--log-level", "warn"});
  const std::string call = "--connect " + crypto.endpoint() + " call ";
  Run zero = meshctl(call + "crypto.derive '{\"seed\":\"00\",\"count\":0}'");
  CHECK(zero.code == 1);
  CHECK(zero.out == "error bad_request: count: must be 1..10000, got 0\n");
  Run short_digest = meshctl(call + "crypto.sign '{\"digest\":\"0102\",\"secret\":\"" + k_secret0 + "\"}'");
  CHECK(short_digest.code == 1);
  CHECK(short_digest.out == "error bad_request: digest: expected 32 bytes, got 2\n");
  Run bad_address = meshctl(call + "crypto.address '{\"address\":\"cfb24jWcms9pZtvEx3UjUuLPdT6rbx6r9N\"}'");
  CHECK(bad_address.code == 1);
  CHECK(bad_address.out == "error bad_request: address: invalid_checksum: address checksum does not match\n");
  // Bad hex inside a list item is refused by meshctl before anything is sent, naming the item.
  Run bad_item = meshctl(call + "crypto.verifyBatch '{\"items\":[{\"digest\":\"zz\"}]}'");
  CHECK(bad_item.code == 1);
  CHECK(bad_item.out.find("items[0].digest (not an even-length hex string)") != std::string::npos);
  Run after = meshctl(call + "crypto.address '{\"public\":\"" + std::string(k_public0) + "\"}'");
  CHECK(after.code == 0);
  CHECK(after.out.rfind(std::string("{\"address\":\"") + k_address0 + "\",\"bitcoinAddress\":\"" + k_bitcoin0, 0) == 0);
}
