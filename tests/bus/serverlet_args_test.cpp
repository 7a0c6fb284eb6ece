// A serverlet's settings: config file, then environment, then flags, each overriding the one before.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "skymesh/bus/serverlet.hpp"

using namespace skymesh;

namespace {

const bus::ServerletSpec spec{"demo", "a test serverlet", {{"workers", "worker threads"}, {"lease-ms", "lease"}}};

std::string write_config(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("skymesh-config-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

struct Parsed {
  bool ok;
  std::string error;
  bus::ServerletOptions options;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "skymesh-demo");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  Parsed parsed;
  bool help = false;
  parsed.ok =
      bus::parse_serverlet_args(static_cast<int>(argv.size()), argv.data(), spec, parsed.options, parsed.error, help);
  return parsed;
}

// Sets environment variables for one scope.
struct Env {
  std::vector<std::string> names;
  Env(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (const auto& [name, value] : vars) {
      ::setenv(name, value, 1);
      names.emplace_back(name);
    }
  }
  ~Env() {
    for (const auto& name : names) ::unsetenv(name.c_str());
  }
};

}  // namespace

TEST_CASE("the config file sets every common setting and the serverlet's own flags") {
  const std::string path = write_config(
      "# demo\nlisten = [\"tcp://127.0.0.1:7001\", \"ipc:///tmp/x\"]\ndata = \"var/demo\"\nregistry = "
      "\"tcp://127.0.0.1:7100\"\ninsecure = true\nlog-level = \"warn\"\nworkers = 4\nadvertise = "
      "\"tcp://10.0.0.5:7001\"\n");
  auto parsed = parse({"--config", path});
  REQUIRE(parsed.ok);
  CHECK(parsed.options.listen == std::vector<std::string>{"tcp://127.0.0.1:7001", "ipc:///tmp/x"});
  CHECK(parsed.options.data_dir == "var/demo");
  CHECK(parsed.options.registry == "tcp://127.0.0.1:7100");
  CHECK(parsed.options.insecure);
  CHECK(parsed.options.log_level == "warn");
  CHECK(parsed.options.values.at("workers") == "4");
  CHECK(parsed.options.advertise == std::vector<std::string>{"tcp://10.0.0.5:7001"});
  std::filesystem::remove(path);
}

TEST_CASE("the environment overrides the config file, and flags override both") {
  const std::string path = write_config("listen = \"tcp://127.0.0.1:1\"\ndata = \"from-file\"\nworkers = 1\n");
  {
    Env env{{"SKYMESH_DATA", "from-env"}, {"SKYMESH_WORKERS", "2"}, {"SKYMESH_LISTEN", "tcp://127.0.0.1:2"}};
    auto parsed = parse({"--config", path});
    REQUIRE(parsed.ok);
    CHECK(parsed.options.data_dir == "from-env");
    CHECK(parsed.options.values.at("workers") == "2");
    CHECK(parsed.options.listen == std::vector<std::string>{"tcp://127.0.0.1:2"});
    auto flagged = parse({"--config", path, "--data", "from-flag", "--workers", "3", "--listen", "tcp://127.0.0.1:3"});
    REQUIRE(flagged.ok);
    CHECK(flagged.options.data_dir == "from-flag");
    CHECK(flagged.options.values.at("workers") == "3");
    CHECK(flagged.options.listen == std::vector<std::string>{"tcp://127.0.0.1:3"});
  }
  {
    Env env{{"SKYMESH_CONFIG", path.c_str()}};
    auto parsed = parse({});
    REQUIRE(parsed.ok);
    CHECK(parsed.options.data_dir == "from-file");
  }
  std::filesystem::remove(path);
}

TEST_CASE("a bad config file is refused with the file, the line and what is wrong") {
  struct Case {
    std::string text, expected;
  };
  for (const auto& c : std::vector<Case>{{"data = \"a\"\nlisten = 7\n", ":2: `listen` must be"},
                                         {"\n\nnope = 1\n", ":3: unknown setting `nope`"},
                                         {"insecure = \"yes\"\n", "`insecure` must be true or false"},
                                         {"data = \"a\"\ndata = \"b\"\n", "duplicate"},
                                         {"data = \n", ":1:"}}) {
    INFO(c.text);
    const std::string path = write_config(c.text);
    auto parsed = parse({"--config", path});
    CHECK_FALSE(parsed.ok);
    CHECK(parsed.error.find(c.expected) != std::string::npos);
    CHECK(parsed.error.find(path) != std::string::npos);
    std::filesystem::remove(path);
  }
  auto missing = parse({"--config", "/nonexistent/skymesh.toml"});
  CHECK_FALSE(missing.ok);
  CHECK(missing.error.find("/nonexistent/skymesh.toml") != std::string::npos);
}

TEST_CASE("--help names every setting's environment variable") {
  const std::string help = bus::serverlet_help(spec);
  for (const char* name :
       {"SKYMESH_CONFIG", "SKYMESH_LISTEN", "SKYMESH_REGISTRY", "SKYMESH_WORKERS", "SKYMESH_LEASE_MS"}) {
    CHECK(help.find(name) != std::string::npos);
  }
}

TEST_CASE("--spin-us comes from a flag, the environment or the config file, and a bad value is refused") {
  CHECK(parse({}).options.spin_us == -1);  // unset: the reactor's default
  CHECK(parse({"--spin-us", "0"}).options.spin_us == 0);
  CHECK(parse({"--spin-us", "250"}).options.spin_us == 250);
  {
    Env env{{"SKYMESH_SPIN_US", "40"}};
    CHECK(parse({}).options.spin_us == 40);
    CHECK(parse({"--spin-us", "7"}).options.spin_us == 7);
  }
  const std::string path = write_config("spin-us = 30\n");
  CHECK(parse({"--config", path}).options.spin_us == 30);
  std::filesystem::remove(path);

  for (const char* bad : {"-1", "ten", "", "10001", "99999999999", "5us"}) {
    const Parsed parsed = parse({"--spin-us", bad});
    CHECK_FALSE(parsed.ok);
    CHECK(parsed.error.find("--spin-us") != std::string::npos);
  }
  {
    Env env{{"SKYMESH_SPIN_US", "lots"}};
    const Parsed parsed = parse({});
    CHECK_FALSE(parsed.ok);
    CHECK(parsed.error.find("SKYMESH_SPIN_US") != std::string::npos);
  }
  const std::string bad_config = write_config("spin-us = \"fast\"\n");
  const Parsed parsed = parse({"--config", bad_config});
  CHECK_FALSE(parsed.ok);
  CHECK(parsed.error.find("spin-us") != std::string::npos);
  std::filesystem::remove(bad_config);
}
