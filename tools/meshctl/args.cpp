#include <cstdlib>
#include <string>

#include "meshctl.hpp"

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
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        error = arg + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    auto number = [&](auto& out) {
      std::string text;
      if (!value(text)) return false;
      char* end = nullptr;
      const unsigned long long parsed = std::strtoull(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0') {
        error = arg + " needs a number, not '" + text + "'";
        return false;
      }
      out = static_cast<std::remove_reference_t<decltype(out)>>(parsed);
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      help = true;
      return true;
    } else if (arg == "--connect") {
      if (!value(options.connect)) return false;
    } else if (arg == "--key") {
      if (!value(options.key_file)) return false;
    } else if (arg == "--server-key") {
      if (!value(options.server_key)) return false;
    } else if (arg == "--timeout") {
      if (!number(options.timeout_ms)) return false;
    } else if (arg == "--since") {
      if (!number(options.since)) return false;
    } else if (arg == "--count") {
      if (!number(options.count)) return false;
    } else if (arg == "--pretty") {
      options.pretty = true;
    } else if (arg == "--schemas") {
      options.schemas = true;
    } else if (arg.rfind("--", 0) == 0) {
      error = "unknown option " + arg;
      return false;
    } else {
      options.command.push_back(arg);
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
