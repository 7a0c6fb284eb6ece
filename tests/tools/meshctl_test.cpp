// meshctl as a person uses it: a real serverlet process, meshctl commands, stdout, stderr and exit codes.
#include <string>

#include <catch2/catch.hpp>

#include "child_process.hpp"
#include "meshctl_runner.hpp"

using skymesh::test::ChildProcess;

using skymesh::test::meshctl;
using skymesh::test::Run;

TEST_CASE("meshctl calls a method with JSON and prints the JSON reply") {
  ChildProcess echo("skymesh-echo", {"--log-level", "warn"});
  Run run = meshctl("--connect " + echo.endpoint() + " call echo.echo '{\"text\":\"hi\",\"data\":\"00ff\"}'");
  CHECK(run.code == 0);
  CHECK(run.out == "{\"text\":\"hi\",\"data\":\"00ff\",\"calls\":\"1\",\"node\":\"echo\"}\n");
}

TEST_CASE("meshctl prints an error reply's code and message and exits non-zero") {
  ChildProcess echo("skymesh-echo", {"--log-level", "warn"});
  Run failed = meshctl("--connect " + echo.endpoint() + " call echo.fail '{\"text\":\"x\"}'");
  CHECK(failed.code == 1);
  CHECK(failed.out == "error failed_precondition: asked to fail: x\n");
  Run unknown = meshctl("--connect " + echo.endpoint() + " call echo.nope '{}'");
  CHECK(unknown.code == 1);
  CHECK(unknown.out.rfind("error unknown_method:", 0) == 0);
}

TEST_CASE("meshctl refuses JSON that does not fit the schema and sends nothing") {
  ChildProcess echo("skymesh-echo", {"--log-level", "warn"});
  for (const std::string body : {"'{\"bogus\":1}'", "'{\"data\":\"zz\"}'", "'{\"text\":'", "'[1,2]'"}) {
    Run run = meshctl("--connect " + echo.endpoint() + " call echo.echo " + body);
    CHECK(run.code == 1);
    CHECK(run.out.rfind("error bad_request:", 0) == 0);
  }
  Run after = meshctl("--connect " + echo.endpoint() + " call echo.echo '{}'");
  CHECK(after.out.find("\"calls\":\"1\"") != std::string::npos);  // none of the bad ones reached the handler
}

TEST_CASE("meshctl info, stats and ping describe the serverlet") {
  ChildProcess echo("skymesh-echo", {"--log-level", "warn"});
  Run info = meshctl("--connect " + echo.endpoint() + " info");
  CHECK(info.code == 0);
  CHECK(info.out.find("\"name\":\"echo.upper\",") != std::string::npos);
  CHECK(info.out.find("\"stateClass\":\"invariantFunctional\"") != std::string::npos);
  CHECK(info.out.find("\"schemas\"") == std::string::npos);
  Run stats = meshctl("--connect " + echo.endpoint() + " stats");
  CHECK(stats.code == 0);
  CHECK(stats.out.find("\"name\":\"sys.info\",\"calls\":\"") != std::string::npos);
  Run ping = meshctl("--connect " + echo.endpoint() + " ping");
  CHECK(ping.out.rfind("{\"name\":\"echo\",\"timeUs\":", 0) == 0);
}

TEST_CASE("meshctl subscribe prints events since N, one JSON object per line") {
  ChildProcess echo("skymesh-echo", {"--log-level", "warn"});
  REQUIRE(meshctl("--connect " + echo.endpoint() + " call echo.publish '{\"text\":\"t\",\"count\":5}'").code == 0);
  Run run = meshctl("--connect " + echo.endpoint() + " subscribe echo.ticks --since 4 --count 2");
  CHECK(run.code == 0);
  CHECK(run.out ==
        "{\"seq\":\"4\",\"event\":{\"n\":\"0\",\"note\":\"t\"}}\n{\"seq\":\"5\",\"event\":{\"n\":\"0\",\"note\":\"t\"}}"
        "\n");
}

TEST_CASE("meshctl reports an unreachable serverlet and bad usage") {
  Run down = meshctl("--connect tcp://127.0.0.1:1 --timeout 300 ping");
  CHECK(down.code == 1);
  CHECK(down.out.rfind("error unavailable:", 0) == 0);
  CHECK(meshctl("call").code == 2);
  Run bad_number = meshctl("--connect tcp://127.0.0.1:1 --timeout soon ping");
  CHECK(bad_number.code == 2);
  CHECK(bad_number.out == "meshctl: --timeout needs a number, not 'soon' (see meshctl --help)\n");
  Run missing = meshctl("ping --connect");
  CHECK(missing.code == 2);
  CHECK(missing.out == "meshctl: --connect needs a value (see meshctl --help)\n");
  CHECK(meshctl("--help").code == 0);
}
