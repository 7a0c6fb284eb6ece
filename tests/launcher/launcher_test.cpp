// build/bin/skymesh end to end: a real supervisor and real serverlet processes on free loopback ports, with a
// temporary var folder and mesh.toml. Calls go through the bus with CurveZMQ keys, as the printed meshctl lines.
#include <signal.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "launcher_harness.hpp"

using skymesh::test::alive;
using skymesh::test::DownOnExit;
using skymesh::test::eventually;
using skymesh::test::file_text;
using skymesh::test::free_port;
using skymesh::test::run_skymesh;
using skymesh::test::seen;
using skymesh::test::Shell;
using skymesh::test::shell;
using skymesh::test::TempDir;

namespace {

// Short delays so a failing serverlet is declared within a second; the rest as deploy/mesh.toml.
const char* const k_policy =
    "[supervisor]\nbackoff_initial_ms = 100\nbackoff_max_ms = 400\nfailing_exits = 3\nfailing_window_ms = 20000\n"
    "start_timeout_ms = 20000\nstop_grace_ms = 3000\n";

std::string entry(const std::string& name, int port, const std::string& extra = "") {
  return "\n[[serverlet]]\nname = \"" + name + "\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(port) + "\"\n" +
         extra;
}

std::filesystem::path write_mesh(const TempDir& dir, const std::string& text) {
  const std::filesystem::path path = dir.path() / "mesh.toml";
  std::ofstream(path) << text;
  return path;
}

std::string options(const TempDir& dir) {
  return "--config " + (dir.path() / "mesh.toml").string() + " --var " + (dir.path() / "var").string();
}

std::string var_flag(const TempDir& dir) {
  return "--var " + (dir.path() / "var").string();
}

// meshctl with the launcher's keys: `key_name` names the serverlet whose public key the call needs.
Shell meshctl(const TempDir& dir, int port, const std::string& key_name, const std::string& command) {
  const std::filesystem::path keys = dir.path() / "var" / "keys";
  return shell(std::string(SKYMESH_BIN_DIR) + "/meshctl --timeout 3000 --connect tcp://127.0.0.1:" +
               std::to_string(port) + " --key " + (keys / "client.key").string() + " --server-key " +
               (keys / (key_name + ".key")).string() + " " + command);
}

// The line `up` printed to try against `name`'s endpoint.
std::string try_line(const std::string& up_output, int port) {
  std::istringstream lines(up_output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("meshctl --connect tcp://127.0.0.1:" + std::to_string(port)) != std::string::npos) return line;
  }
  return "";
}

// Runs `skymesh down` and checks that no process of the mesh is left.
void down_and_check_gone(const TempDir& dir, const std::vector<long>& pids) {
  Shell down = run_skymesh("down " + var_flag(dir));
  INFO(down.out);
  CHECK(down.code == 0);
  CHECK(down.out.find("skymesh stopped") != std::string::npos);
  for (long pid : pids) {
    INFO("pid " << pid);
    CHECK_FALSE(alive(pid));
  }
  CHECK_FALSE(std::filesystem::exists(dir.path() / "var" / "run" / "skymesh.pid"));
  Shell status = run_skymesh("status " + var_flag(dir));
  CHECK(status.code == 3);
  CHECK(status.out.find("skymesh is not running") != std::string::npos);
}

long supervisor_pid(const TempDir& dir) {
  return std::stol(file_text(dir.path() / "var" / "run" / "skymesh.pid"));
}

}  // namespace

TEST_CASE("up starts echo and crypto with keys, status pings them, a killed one comes back, down stops all") {
  TempDir dir;
  const DownOnExit guard(dir.path() / "var");
  const int echo_port = free_port();
  const int crypto_port = free_port();
  write_mesh(
      dir, std::string(k_policy) + entry("echo", echo_port, "try = [\"call\", \"echo.echo\", '{\"text\":\"hi\"}']\n") +
               entry("crypto", crypto_port, "try = [\"call\", \"crypto.derive\", '{\"seed\":\"00\",\"count\":2}']\n"));
  Shell up = run_skymesh("up " + options(dir));
  INFO(up.out);
  REQUIRE(up.code == 0);
  CHECK(up.out.find("echo       listening on tcp://127.0.0.1:" + std::to_string(echo_port)) != std::string::npos);
  CHECK(up.out.find("crypto     listening on tcp://127.0.0.1:" + std::to_string(crypto_port)) != std::string::npos);
  const std::filesystem::path var = dir.path() / "var";
  for (const char* file : {"client.key", "echo.key", "crypto.key", "echo.pub", "crypto.pub", "allow"}) {
    CHECK(std::filesystem::exists(var / "keys" / file));
  }
  // A serverlet's .pub holds its public key alone: what its clients are handed, never the secret.
  const std::string crypto_pub = file_text(var / "keys" / "crypto.pub");
  CHECK(crypto_pub.rfind("public = ", 0) == 0);
  CHECK(crypto_pub.find("secret") == std::string::npos);

  // The printed line works as printed, keys and all.
  const std::string printed = try_line(up.out, crypto_port);
  REQUIRE(printed.find("--key " + (var / "keys" / "client.key").string()) != std::string::npos);
  REQUIRE(printed.find("--server-key " + (var / "keys" / "crypto.pub").string()) != std::string::npos);
  Shell derived = shell(printed);
  CHECK(derived.code == 0);
  CHECK(derived.out.find("{\"keys\":[{\"secret\":\"") != std::string::npos);
  Shell echoed = meshctl(dir, echo_port, "echo", "call echo.echo '{\"text\":\"through the launcher\"}'");
  CHECK(echoed.code == 0);
  CHECK(echoed.out.find("\"text\":\"through the launcher\"") != std::string::npos);
  // Without the client key the CurveZMQ serverlet gives no service at all.
  Shell keyless = shell(std::string(SKYMESH_BIN_DIR) +
                        "/meshctl --timeout 1000 --connect tcp://127.0.0.1:" + std::to_string(echo_port) + " ping");
  CHECK(keyless.code == 1);

  Shell status = run_skymesh("status " + var_flag(dir));
  INFO(status.out);
  CHECK(status.code == 0);
  CHECK(status.out.find("echo       running") != std::string::npos);
  CHECK(status.out.find("crypto     running") != std::string::npos);
  CHECK(status.out.find("ok (ping") != std::string::npos);
  CHECK(status.out.find("unhealthy") == std::string::npos);

  // kill -9: the supervisor restarts it and it answers again.
  const long first_echo = seen(var, "echo").pid;
  const long crypto_pid = seen(var, "crypto").pid;
  REQUIRE(alive(first_echo));
  REQUIRE(::kill(static_cast<pid_t>(first_echo), SIGKILL) == 0);
  CHECK(eventually([&]() {
    const auto now = seen(var, "echo");
    return now.state == "running" && now.pid != first_echo && now.restarts == 1;
  }));
  const long second_echo = seen(var, "echo").pid;
  CHECK(alive(second_echo));
  Shell again = meshctl(dir, echo_port, "echo", "call echo.echo '{\"text\":\"back\"}'");
  CHECK(again.code == 0);
  CHECK(again.out.find("\"text\":\"back\"") != std::string::npos);
  CHECK(file_text(var / "log" / "skymesh.log").find("event=serverlet_exited name=echo exit=\"killed by SIGKILL\"") !=
        std::string::npos);

  // A second `up` while running reports and changes nothing.
  Shell twice = run_skymesh("up " + options(dir));
  CHECK(twice.code == 0);
  CHECK(twice.out.find("already running") != std::string::npos);
  CHECK(seen(var, "echo").pid == second_echo);

  const std::string echo_key = file_text(var / "keys" / "echo.key");
  const std::string client_key = file_text(var / "keys" / "client.key");
  down_and_check_gone(dir, {supervisor_pid(dir), first_echo, second_echo, crypto_pid});
  CHECK(seen(var, "echo").state == "stopped");

  // The next `up` keeps the keys, so the same meshctl command keeps working.
  Shell restarted = run_skymesh("up " + options(dir));
  INFO(restarted.out);
  REQUIRE(restarted.code == 0);
  CHECK(restarted.out.find("created key") == std::string::npos);
  CHECK(file_text(var / "keys" / "echo.key") == echo_key);
  CHECK(file_text(var / "keys" / "client.key") == client_key);
  CHECK(meshctl(dir, echo_port, "echo", "ping").code == 0);
  down_and_check_gone(dir, {supervisor_pid(dir), seen(var, "echo").pid, seen(var, "crypto").pid});
}

TEST_CASE("a serverlet that fails at once is reported as failing and does not hold the others back") {
  TempDir dir;
  const DownOnExit guard(dir.path() / "var");
  const int echo_port = free_port();
  write_mesh(dir, std::string(k_policy) + entry("echo", echo_port) +
                      entry("broken", free_port(), "program = \"echo\"\nflags = [\"--no-such-flag\"]\n"));
  Shell up = run_skymesh("up " + options(dir));
  INFO(up.out);
  CHECK(up.code == 1);
  CHECK(up.out.find("skymesh up: a serverlet did not start: broken") != std::string::npos);
  CHECK(up.out.find("broken     FAILED (failing) exited ") != std::string::npos);
  CHECK(up.out.find("unknown option --no-such-flag") != std::string::npos);  // its log's last lines
  CHECK(up.out.find("echo       listening on tcp://127.0.0.1:" + std::to_string(echo_port)) != std::string::npos);
  CHECK(meshctl(dir, echo_port, "echo", "call echo.echo '{\"text\":\"still here\"}'").code == 0);

  Shell status = run_skymesh("status " + var_flag(dir));
  INFO(status.out);
  CHECK(status.code == 1);
  CHECK(status.out.find("broken     failing") != std::string::npos);
  CHECK(status.out.find("broken is failing: exited ") != std::string::npos);
  CHECK(status.out.find("echo       running") != std::string::npos);
  const std::string log = file_text(dir.path() / "var" / "log" / "skymesh.log");
  CHECK(log.find("event=serverlet_failing name=broken exits=3") != std::string::npos);
  CHECK(log.find("unknown option --no-such-flag") != std::string::npos);

  Shell logs = run_skymesh("logs broken " + var_flag(dir));
  CHECK(logs.code == 0);
  CHECK(logs.out.find("--- skymesh: start 1 of broken") != std::string::npos);
  down_and_check_gone(dir, {supervisor_pid(dir), seen(dir.path() / "var", "echo").pid});
}

TEST_CASE("an entry whose executable is absent is skipped with a notice") {
  TempDir dir;
  const DownOnExit guard(dir.path() / "var");
  const int echo_port = free_port();
  write_mesh(dir, std::string(k_policy) + "[mesh]\nregistry = \"tcp://127.0.0.1:1\"\n" +
                      entry("ghost", free_port(), "program = \"no-such-serverlet\"\n") + entry("echo", echo_port));
  Shell up = run_skymesh("up " + options(dir));
  INFO(up.out);
  CHECK(up.code == 0);
  CHECK(up.out.find("ghost      skipped: skymesh-no-such-serverlet is not built") != std::string::npos);
  // No admin entry runs, so no serverlet was given --registry (echo would refuse it and fail).
  CHECK(meshctl(dir, echo_port, "echo", "ping").code == 0);
  down_and_check_gone(dir, {supervisor_pid(dir), seen(dir.path() / "var", "echo").pid});
}

TEST_CASE("a bad mesh.toml is refused with its line, and nothing starts") {
  TempDir dir;
  write_mesh(dir, "[[serverlet]]\nname = \"echo\"\nlisen = \"tcp://127.0.0.1:1\"\n");
  Shell up = run_skymesh("up " + options(dir));
  CHECK(up.code == 2);
  CHECK(up.out.find("mesh.toml:3: unknown key `lisen` in [[serverlet]] (line 1)") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "var" / "run" / "skymesh.pid"));
  Shell down = run_skymesh("down " + var_flag(dir));
  CHECK(down.code == 0);
  CHECK(down.out == "skymesh is not running\n");
  Shell usage = run_skymesh("frobnicate");
  CHECK(usage.code == 2);
  CHECK(usage.out.find("unknown command frobnicate") != std::string::npos);
}
