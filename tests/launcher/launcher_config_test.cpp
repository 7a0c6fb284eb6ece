// The launcher's parts without processes: reading mesh.toml (the shipped deploy/mesh.toml included), keys,
// the state file, TOML writing and shell quoting.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "consensus_network.hpp"
#include "keys.hpp"
#include "launcher_harness.hpp"
#include "log_rotation.hpp"
#include "mesh_config.hpp"
#include "report.hpp"
#include "skymesh/bus/security.hpp"
#include "skymesh/consensus/trust_file.hpp"
#include "state_file.hpp"
#include "toml_writer.hpp"

using namespace skymesh::launcher;
using skymesh::test::file_text;
using skymesh::test::TempDir;

namespace {

MeshConfig config_of(const std::string& text) {
  auto config = parse_mesh_config(text, "mesh.toml");
  INFO(text);
  if (!config.ok()) FAIL(config.status().message());
  return std::move(config).value();
}

std::string refused(const std::string& text) {
  auto config = parse_mesh_config(text, "mesh.toml");
  INFO(text);
  REQUIRE_FALSE(config.ok());
  return config.status().message();
}

const char* const k_echo = "[[serverlet]]\nname = \"echo\"\nlisten = \"tcp://127.0.0.1:7000\"\n";

}  // namespace

TEST_CASE("deploy/mesh.toml runs admin, echo, crypto, chain and wallet with keys and the documented supervision") {
  auto config = load_mesh_config(std::string(SKYMESH_DEPLOY_DIR) + "/mesh.toml");
  INFO(config.status().to_string());
  REQUIRE(config.ok());
  CHECK(config->registry == "tcp://127.0.0.1:7100");
  CHECK(config->curve);
  REQUIRE(config->serverlets.size() == 5);
  const ServerletEntry& admin = config->serverlets[0];
  CHECK(admin.name == "admin");
  CHECK(admin.listen == std::vector<std::string>{"tcp://127.0.0.1:7100"});
  CHECK(admin.flags == std::vector<std::string>{"--http", "127.0.0.1:8080"});
  CHECK(config->serverlets[1].name == "echo");
  CHECK(config->serverlets[1].listen == std::vector<std::string>{"tcp://127.0.0.1:7000"});
  const ServerletEntry& crypto = config->serverlets[2];
  CHECK(crypto.name == "crypto");
  CHECK(crypto.listen == std::vector<std::string>{"tcp://127.0.0.1:7001"});
  CHECK(crypto.curve);
  CHECK(crypto.try_args == std::vector<std::string>{"call", "crypto.derive", "{\"seed\":\"00\",\"count\":2}"});
  const ServerletEntry& chain = config->serverlets[3];
  CHECK(chain.name == "chain");
  CHECK(chain.genesis);
  CHECK(chain.block_maker);
  CHECK(config->serverlets[4].name == "wallet");
  const skymesh::toml::Value* generate = config->genesis.find("generate");
  REQUIRE(generate);
  CHECK(*generate->as_boolean());
  const SupervisorPolicy& policy = config->policy;
  CHECK(policy.backoff_initial.count() == 500);
  CHECK(policy.backoff_max.count() == 30000);
  CHECK(policy.stable_after.count() == 60000);
  CHECK(policy.failing_exits == 5);
  CHECK(policy.failing_window.count() == 60000);
  CHECK(policy.log_max_bytes == 10 * 1024 * 1024);
  CHECK(policy.log_keep == 3);
}

TEST_CASE("an entry takes its program, data folder and curve from defaults unless it says otherwise") {
  const MeshConfig config = config_of(
      "[mesh]\ncurve = false\n" + std::string(k_echo) +
      "[[serverlet]]\nname = \"echo-2\"\nprogram = \"echo\"\ndata = \"elsewhere\"\ncurve = true\nenabled = false\n"
      "genesis = true\nlisten = [\"tcp://127.0.0.1:7002\", \"ipc://echo-2.sock\"]\nflags = [\"--instance\", \"b\"]\n"
      "[genesis]\ngenesis_coin_volume = 100000000000000\n");
  REQUIRE(config.serverlets.size() == 2);
  const ServerletEntry& first = config.serverlets[0];
  CHECK(first.program == "echo");
  CHECK(first.data == "echo");
  CHECK_FALSE(first.curve);
  CHECK(first.enabled);
  CHECK(first.try_args.empty());
  const ServerletEntry& second = config.serverlets[1];
  CHECK(second.program == "echo");
  CHECK(second.data == "elsewhere");
  CHECK(second.curve);
  CHECK_FALSE(second.enabled);
  CHECK(second.genesis);
  CHECK(second.listen.size() == 2);
  CHECK(second.flags == std::vector<std::string>{"--instance", "b"});
  CHECK(*config.genesis.find("genesis_coin_volume")->as_integer() == 100000000000000);
  // Defaults of a file without [supervisor] are the documented ones.
  CHECK(config.policy.backoff_initial.count() == 500);
  CHECK(config.policy.stop_grace.count() == 5000);
  CHECK(config.policy.log_max_bytes == 10 * 1024 * 1024);
  CHECK(config.policy.log_keep == 3);
}

TEST_CASE("mesh.toml mistakes are refused with the file, the line and what is wrong") {
  CHECK(refused("[[serverlet]]\nname = \"echo\"\nlisen = \"x\"\n") ==
        "mesh.toml:3: unknown key `lisen` in [[serverlet]] (line 1) (docs/launcher.md lists the keys)");
  CHECK(refused("[[serverlet]]\nname = \"echo\"\n") == "mesh.toml:1: serverlet echo needs `listen`");
  CHECK(refused("[[serverlet]]\nname = \"Echo!\"\nlisten = \"x\"\n") ==
        "mesh.toml:1: [[serverlet]] needs a `name` of a-z, 0-9, `-` or `_` (got \"Echo!\")");
  CHECK(refused("[[serverlet]]\nlisten = \"x\"\n") ==
        "mesh.toml:1: [[serverlet]] needs a `name` of a-z, 0-9, `-` or `_` (got \"\")");
  CHECK(refused(std::string(k_echo) + k_echo) == "mesh.toml:4: a second serverlet named echo");
  CHECK(refused(std::string(k_echo) + "curve = 1\n") ==
        "mesh.toml:4: `curve` in [[serverlet]] (line 1) must be true or false");
  CHECK(refused(std::string(k_echo) + "flags = \"--x\"\n") ==
        "mesh.toml:4: `flags` in [[serverlet]] (line 1) must be an array of strings");
  CHECK(refused(std::string(k_echo) + "listen = [1]\n") ==
        "mesh.toml:4: duplicate key `listen` (first defined on line 3)");
  CHECK(refused("[[serverlet]]\nname = \"echo\"\nlisten = [1]\n") ==
        "mesh.toml:3: `listen` in [[serverlet]] (line 1) must be a string or an array of strings");
  CHECK(refused("[supervisor]\nbackoff_initial_ms = -1\n" + std::string(k_echo)) ==
        "mesh.toml:2: `backoff_initial_ms` in [supervisor] must be a non-negative integer");
  CHECK(refused("[supervisor]\nbackoff_initial_ms = 900\nbackoff_max_ms = 800\n" + std::string(k_echo)) ==
        "mesh.toml:1: backoff_max_ms must not be below backoff_initial_ms");
  CHECK(refused("[supervisor]\nfailing_exits = 0\n" + std::string(k_echo)) ==
        "mesh.toml:2: `failing_exits` in [supervisor] must be an integer from 1 to 1000");
  CHECK(refused("[supervisor]\nlog_max_bytes = 100\n" + std::string(k_echo)) ==
        "mesh.toml:2: `log_max_bytes` in [supervisor] must be an integer >= 1024");
  CHECK(refused("[mesh]\nregistry = 7100\n" + std::string(k_echo)) ==
        "mesh.toml:2: `registry` in [mesh] must be a string");
  CHECK(refused("[serverlet]\nname = \"echo\"\n") ==
        "mesh.toml:1: unexpected `serverlet` (write [[serverlet]], one per serverlet)");
  CHECK(refused("mesh = 1\n" + std::string(k_echo)) == "mesh.toml:1: unexpected `mesh` (it must be a [mesh] table)");
  CHECK(refused("[extra]\n" + std::string(k_echo)) ==
        "mesh.toml:1: unexpected `extra` (known: [mesh], [supervisor], [[serverlet]], [genesis])");
  CHECK(refused("[mesh]\n") == "mesh.toml: no [[serverlet]] entries: nothing to run");
  CHECK(refused("[mesh\n") == "mesh.toml:1: expected `]` to close the header [mesh");
  auto missing = load_mesh_config("no/such/mesh.toml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == "no/such/mesh.toml: cannot read the file");
}

TEST_CASE("keys are made once, kept afterwards, and every public key is on the allow list") {
  TempDir dir;
  const VarLayout var(dir.path());
  const MeshConfig config = config_of(std::string(k_echo) +
                                      "[[serverlet]]\nname = \"plain\"\nlisten = \"x\"\ncurve = false\n"
                                      "[[serverlet]]\nname = \"off\"\nlisten = \"x\"\nenabled = false\n");
  std::vector<std::string> created;
  REQUIRE(ensure_keys(var, config, created).ok());
  CHECK(created == std::vector<std::string>{var.client_key().string(), var.key("echo").string()});
  CHECK_FALSE(std::filesystem::exists(var.key("plain")));
  CHECK_FALSE(std::filesystem::exists(var.key("off")));
  const auto client = skymesh::bus::load_key_file(var.client_key());
  const auto echo = skymesh::bus::load_key_file(var.key("echo"));
  REQUIRE(client.ok());
  REQUIRE(echo.ok());
  const auto allowed = skymesh::bus::load_allow_file(var.allow_file());
  REQUIRE(allowed.ok());
  CHECK(allowed.value() == std::vector<std::string>{client->public_key, echo->public_key});
  const std::string echo_key = file_text(var.key("echo"));
  created.clear();
  REQUIRE(ensure_keys(var, config, created).ok());
  CHECK(created.empty());
  CHECK(file_text(var.key("echo")) == echo_key);
  // A damaged key file is named, not replaced.
  std::ofstream(var.key("echo")) << "public = not-a-key\n";
  const auto status = ensure_keys(var, config, created);
  REQUIRE_FALSE(status.ok());
  CHECK(status.message().find("echo.key:1: not a 40-character Z85 key") != std::string::npos);
}

TEST_CASE("the state file reads back what the supervisor wrote") {
  TempDir dir;
  MeshState state;
  state.supervisor_pid = 42;
  state.ready = true;
  ServerletStatus echo;
  echo.name = "echo";
  echo.state = "failing";
  echo.pid = 7;
  echo.restarts = 3;
  echo.started_ms = 1795760000000;
  echo.endpoints = {"tcp://127.0.0.1:7000", "http://x"};
  echo.curve = true;
  echo.listening = true;
  echo.message = "exited 5 times \"quoted\"\nnext line\x01";
  ServerletStatus crypto;
  crypto.name = "crypto";
  crypto.state = "skipped";
  state.serverlets = {echo, crypto};
  const std::filesystem::path path = dir.path() / "state.toml";
  REQUIRE(write_state(path, state).ok());
  auto back = read_state(path);
  REQUIRE(back.ok());
  CHECK(back->supervisor_pid == 42);
  CHECK(back->ready);
  REQUIRE(back->serverlets.size() == 2);
  const ServerletStatus& read = back->serverlets[0];
  CHECK(read.name == "echo");
  CHECK(read.state == "failing");
  CHECK(read.pid == 7);
  CHECK(read.restarts == 3);
  CHECK(read.started_ms == 1795760000000);
  CHECK(read.endpoints == echo.endpoints);
  CHECK(read.curve);
  CHECK(read.listening);
  CHECK(read.message == echo.message);
  CHECK(back->serverlets[1].state == "skipped");
  CHECK(read_state(dir.path() / "none.toml").status().code() == skymesh::bus::ErrorCode::not_found);
}

TEST_CASE("to_toml writes what the reader reads back, nested tables included") {
  auto parsed = skymesh::toml::parse(
      "a = \"x\\\"y\"\nn = -5\nb = true\nlist = [\"p\", 'q']\n\"odd key\" = 1\n[t]\nk = 1\n[t.u]\nv = [1, 2]\n"
      "[[arr]]\nz = 1\n[[arr]]\nz = 2\n");
  REQUIRE(parsed.ok());
  const std::string written = to_toml(parsed.table());
  auto again = skymesh::toml::parse(written);
  INFO(written);
  REQUIRE(again.ok());
  CHECK(to_toml(again.table()) == written);
  CHECK(*again.table().find("a")->as_string() == "x\"y");
  CHECK(*again.table().find("odd key")->as_integer() == 1);
  CHECK(again.table().find("arr")->as_array()->size() == 2);
  CHECK(*again.table().find("t")->as_table()->find("u")->as_table()->find("v")->as_array()->at(1).as_integer() == 2);
  CHECK(toml_quote("a\tb\x02") == "\"a\\tb\\u0002\"");
}

TEST_CASE("printed command lines quote what the shell would split or expand") {
  CHECK(shell_quote("crypto.derive") == "crypto.derive");
  CHECK(shell_quote("tcp://127.0.0.1:7000") == "tcp://127.0.0.1:7000");
  CHECK(shell_quote("{\"seed\":\"00\"}") == "'{\"seed\":\"00\"}'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("") == "''");
  CHECK(shell_quote("$HOME") == "'$HOME'");
}

TEST_CASE("a log past log_max_bytes is copied to .1, older copies shift, and an appending writer goes on") {
  TempDir dir;
  const std::filesystem::path log = dir.path() / "echo.log";
  // The serverlet's side: a descriptor opened once with O_APPEND, as the supervisor hands it over.
  FILE* writer = std::fopen(log.c_str(), "a");
  REQUIRE(writer);
  auto write_line = [writer](const std::string& text) {
    std::fputs((text + "\n").c_str(), writer);
    std::fflush(writer);
  };
  bool rotated = true;
  write_line("small");
  REQUIRE(rotate_if_larger(log, 1024, 2, rotated).ok());
  CHECK_FALSE(rotated);
  CHECK(file_text(log) == "small\n");

  const std::string big(2000, 'a');
  for (int round = 1; round <= 3; ++round) {
    write_line(std::to_string(round) + big);
    REQUIRE(rotate_if_larger(log, 1024, 2, rotated).ok());
    CHECK(rotated);
    CHECK(std::filesystem::file_size(log) == 0);
    write_line("after " + std::to_string(round));
    CHECK(file_text(log) == "after " + std::to_string(round) + "\n");  // at the top of the emptied log
  }
  std::fclose(writer);
  // keep = 2: the last two rotations, newest first; the first one dropped.
  CHECK(file_text(rotated_log(log, 1)).rfind("after 2\n3a", 0) == 0);
  CHECK(file_text(rotated_log(log, 2)).rfind("after 1\n2a", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(rotated_log(log, 3)));
  // A log that is not there is no error.
  REQUIRE(rotate_if_larger(dir.path() / "none.log", 1024, 2, rotated).ok());
  CHECK_FALSE(rotated);
}

TEST_CASE("consensus-network makes one network's keys and trust file once, and the trust file reads back") {
  TempDir dir;
  const VarLayout var(dir.path() / "network");
  const MeshConfig config = config_of("[genesis]\ngenerate = true\n" + std::string(k_echo));
  ConsensusNetworkSpec spec;
  spec.bus_key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
  std::vector<std::string> created;
  REQUIRE(write_consensus_network(var, config, spec, created).ok());
  CHECK(created.size() == 8);  // genesis.toml, its two secrets, four node keys, the trust file
  const skymesh::cipher::Secp256k1 ctx;
  auto members = skymesh::consensus::read_trust_file(ctx, trust_file(var));
  REQUIRE(members.ok());
  REQUIRE(members->size() == 4);
  for (int i = 0; i < 4; ++i) {
    const auto& member = members.value()[static_cast<size_t>(i)];
    CHECK(member.endpoint == "tcp://consensus-" + std::to_string(i) + ":7010");
    CHECK(member.bus_key == spec.bus_key);
    // Each node's secret file holds the key the trust file names.
    auto secret = skymesh::cipher::SecretKey::try_from_hex(file_text(node_secret_file(var, i)).substr(0, 64));
    REQUIRE(secret.ok());
    CHECK(skymesh::cipher::public_key_from_secret(ctx, secret.value()).hex() == member.public_key.hex());
  }
  CHECK((std::filesystem::status(node_secret_file(var, 0)).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);
  // A second run keeps everything.
  const std::string trust = file_text(trust_file(var));
  created.clear();
  REQUIRE(write_consensus_network(var, config, spec, created).ok());
  CHECK(created.empty());
  CHECK(file_text(trust_file(var)) == trust);
  // Refusals.
  spec.nodes = 0;
  CHECK(write_consensus_network(VarLayout(dir.path() / "other"), config, spec, created).code() ==
        skymesh::bus::ErrorCode::bad_request);
  spec.nodes = 2;
  spec.endpoint_pattern = "tcp://same:7010";
  CHECK(write_consensus_network(VarLayout(dir.path() / "other"), config, spec, created).message().find("{i}") !=
        std::string::npos);
}
