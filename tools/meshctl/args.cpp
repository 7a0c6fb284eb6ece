#include <cstdlib>
#include <string>

#include "meshctl.hpp"
#include "skymesh/bus/args.hpp"

namespace skymesh::meshctl {

std::string help_text() {
  return R"(meshctl: query any skymesh serverlet over the bus (JSON in, JSON out)

Usage: meshctl --connect ENDPOINT [options] COMMAND

Commands:
  call METHOD [JSON]      call METHOD with a JSON object (default {}); prints the reply as JSON
  info [--schemas]        the serverlet's name, version, methods, topics (sys.info)
  stats                   counters and latency histograms per method (sys.stats)
  ping                    liveness and the serverlet's clock (sys.ping)
  subscribe TOPIC [--since N] [--count N]
                          prints every event since seq N (default: from the start), then live ones,
                          one JSON object per line: {"seq":"N","event":{...}}; stops after --count events
  keygen FILE             writes a new CurveZMQ key pair to FILE (mode 0600) and prints its public key

Options:
  --connect ENDPOINT      tcp://HOST:PORT, ipc://PATH, several comma-separated, or dns+tcp://NAME:PORT
                          [env SKYMESH_CONNECT]
  --key FILE              our CurveZMQ key pair (for a serverlet that requires keys) [env SKYMESH_KEY]
  --server-key FILE|KEY   the serverlet's public key (a key file or the 40-character Z85 text)
  --timeout MS            deadline of each call (default 5000)
  --pretty                indent the JSON
  --help                  this text

Bytes are hex strings where the schema marks them $Json.hex; 64-bit integers are JSON strings.
An error reply prints "error CODE: MESSAGE" on stderr and exits 1; usage errors exit 2.
)";
}

bool parse_args(int argc, char** argv, Options& options, std::string& error, bool& help) {
  if (const char* env = std::getenv("SKYMESH_CONNECT")) options.connect = env;
  if (const char* env = std::getenv("SKYMESH_KEY")) options.key_file = env;
  bus::ArgReader reader(argc, argv);
  while (reader.next()) {
    const std::string& arg = reader.current();
    bool ok = true;
    if (arg == "--help" || arg == "-h") {
      help = true;
      return true;
    } else if (arg == "--connect") {
      ok = reader.value(options.connect);
    } else if (arg == "--key") {
      ok = reader.value(options.key_file);
    } else if (arg == "--server-key") {
      ok = reader.value(options.server_key);
    } else if (arg == "--timeout") {
      ok = reader.number(options.timeout_ms);
    } else if (arg == "--since") {
      ok = reader.number(options.since);
    } else if (arg == "--count") {
      ok = reader.number(options.count);
    } else if (arg == "--pretty") {
      options.pretty = true;
    } else if (arg == "--schemas") {
      options.schemas = true;
    } else if (arg.rfind("--", 0) == 0) {
      reader.fail("unknown option " + arg);
      ok = false;
    } else {
      options.command.push_back(arg);
    }
    if (!ok) {
      error = reader.error();
      return false;
    }
  }
  if (options.command.empty()) {
    error = "no command";
    return false;
  }
  const std::string& name = options.command.front();
  const size_t args = options.command.size() - 1;
  const bool ok = (name == "call" && (args == 1 || args == 2)) ||
                  ((name == "info" || name == "stats" || name == "ping") && args == 0) ||
                  (name == "subscribe" && args == 1) || (name == "keygen" && args == 1);
  if (!ok) {
    error = "bad command or arguments: " + name;
    return false;
  }
  if (name != "keygen" && options.connect.empty()) {
    error = "--connect ENDPOINT is required";
    return false;
  }
  return true;
}

}  // namespace skymesh::meshctl
