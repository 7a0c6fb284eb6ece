// Runs build/bin/meshctl as a person would (a shell command) and returns its exit code and output, for tests
// of any serverlet through meshctl.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

namespace skymesh::test {

struct Run {
  int code;
  std::string out;  // stdout and stderr together
};

// `args` is appended to the meshctl command line as is (quote JSON for the shell).
inline Run meshctl(const std::string& args) {
  const std::string command = std::string(SKYMESH_BIN_DIR) + "/meshctl " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string out;
  std::array<char, 4096> buffer;
  while (size_t got = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), got);
  const int status = ::pclose(pipe);
  // Under AddressSanitizer, an exception thrown on a fiber stack makes ASan print a one-time warning (it does
  // not know Boost.Context's stacks). Warnings are dropped from the comparison; any sanitizer error fails.
  REQUIRE(out.find("ERROR: AddressSanitizer") == std::string::npos);
  REQUIRE(out.find("runtime error:") == std::string::npos);
  std::string kept;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const bool sanitizer_note = (line.rfind("==", 0) == 0 && line.find("WARNING: ASan") != std::string::npos) ||
                                line.rfind("False positive error reports may follow", 0) == 0 ||
                                line.rfind("For details see https://github.com/google/sanitizers", 0) == 0;
    if (!sanitizer_note) kept += line + "\n";
  }
  return Run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, kept};
}

// The string value of the first `"key":"..."` in meshctl's JSON output; empty when absent.
inline std::string json_field(const std::string& json, const std::string& key) {
  const std::string marker = "\"" + key + "\":\"";
  const auto start = json.find(marker);
  if (start == std::string::npos) return "";
  const auto begin = start + marker.size();
  return json.substr(begin, json.find('"', begin) - begin);
}

}  // namespace skymesh::test
