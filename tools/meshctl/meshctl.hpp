// meshctl: the way a person queries any serverlet. JSON in, JSON out; schemas come from the serverlet's own
// sys.info, so meshctl needs no rebuild for a new serverlet or method.
#pragma once

#include <string>
#include <vector>

namespace skymesh::meshctl {

struct Options {
  std::string connect;               // --connect ENDPOINT (or SKYMESH_CONNECT)
  std::string key_file;              // --key FILE: our CurveZMQ key pair
  std::string server_key;            // --server-key FILE or Z85
  int timeout_ms = 5000;             // --timeout MS
  bool pretty = false;               // --pretty
  bool schemas = false;              // info --schemas: include the schema nodes
  uint64_t since = 0;                // subscribe --since N
  uint64_t count = 0;                // subscribe --count N (0: until interrupted)
  std::vector<std::string> command;  // e.g. {"call", "echo.echo", "{...}"}
};

std::string help_text();
// Parses argv; on a usage error returns false with `error` set.
bool parse_args(int argc, char** argv, Options& options, std::string& error, bool& help);
// Runs the command; the process exit code (0 ok, 1 error reply or failure, 2 usage).
int run(const Options& options);

}  // namespace skymesh::meshctl
