// What the launcher tests share: a temporary folder, free loopback ports, running build/bin/skymesh as a person
// would (a shell command), reading the supervisor's state file, and asking whether a pid still runs.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "skymesh/toml/toml.hpp"

namespace skymesh::test {

// A fresh folder under the system's temporary folder, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "skymesh-launcher-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A loopback TCP port nobody listens on right now (the kernel's pick for port 0).
inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

struct Shell {
  int code;
  std::string out;  // stdout and stderr together
};

// Runs a shell command line and returns its exit code and output.
inline Shell shell(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  std::array<char, 4096> buffer;
  while (size_t got = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), got);
  const int status = ::pclose(pipe);
  return Shell{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// build/bin/skymesh with `args` appended as is.
inline Shell run_skymesh(const std::string& args) {
  return shell(std::string(SKYMESH_BIN_DIR) + "/skymesh " + args);
}

// Runs `skymesh down --var VAR` when it goes out of scope, so a test that stops early (a failed REQUIRE) leaves
// no supervisor behind. A second `down` after the test's own is a harmless "not running".
class DownOnExit {
 public:
  explicit DownOnExit(std::filesystem::path var) : var_(std::move(var)) {}
  ~DownOnExit() {
    const std::string command =
        std::string(SKYMESH_BIN_DIR) + "/skymesh down --var " + var_.string() + " >/dev/null 2>&1";
    [[maybe_unused]] int ignored = std::system(command.c_str());
  }
  DownOnExit(const DownOnExit&) = delete;
  DownOnExit& operator=(const DownOnExit&) = delete;

 private:
  std::filesystem::path var_;
};

// True when `pid` exists and is not a zombie (a reaped-late daemon must not count as running).
inline bool alive(long pid) {
  if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] != 'Z';
}

inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One serverlet's entry of var/run/state.toml.
struct Seen {
  std::string state;
  long pid = 0;
  long restarts = 0;
};

// The supervisor's current view of `name` (state "absent" when the file or the entry is missing).
inline Seen seen(const std::filesystem::path& var, const std::string& name) {
  auto parsed = toml::parse_file(var / "run" / "state.toml");
  if (!parsed.ok()) return Seen{"absent"};
  const toml::Value* list = parsed.table().find("serverlet");
  if (!list || !list->as_array()) return Seen{"absent"};
  for (const toml::Value& item : *list->as_array()) {
    const toml::Table& entry = *item.as_table();
    if (*entry.find("name")->as_string() != name) continue;
    return Seen{*entry.find("state")->as_string(), static_cast<long>(*entry.find("pid")->as_integer()),
                static_cast<long>(*entry.find("restarts")->as_integer())};
  }
  return Seen{"absent"};
}

// Waits (up to `limit`) until `done()` holds; the answer of its last evaluation.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace skymesh::test
