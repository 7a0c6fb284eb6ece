// skymesh: the local launcher. `skymesh up` starts every serverlet of deploy/mesh.toml as its own process under
// a background supervisor (state in ./var); `down`, `status` and `logs NAME` act on that mesh.
// docs/launcher.md is the manual.
#include <cstdio>
#include <string>

#include "commands.hpp"

namespace {

const char* const k_help =
    "skymesh: runs the whole mesh on this machine, one process per serverlet, under a supervisor\n"
    "\n"
    "Usage:\n"
    "  skymesh up [--config FILE] [--var DIR]   start the mesh in the background; prints where each serverlet\n"
    "                                           listens and meshctl lines to try\n"
    "  skymesh down [--var DIR]                 stop every serverlet and the supervisor\n"
    "  skymesh status [--var DIR]               one line per serverlet, health from a sys.ping over the bus\n"
    "  skymesh logs NAME [--follow] [--var DIR] a serverlet's log (NAME skymesh: the supervisor's own log)\n"
    "  skymesh genesis [--config FILE] [--var DIR]\n"
    "                                           only make the local test network (DIR/genesis.toml,\n"
    "                                           DIR/keys/block-maker.secret, DIR/keys/genesis.seed) unless it\n"
    "                                           exists, as `up` does first; the containers use it\n"
    "  skymesh consensus-network [--config FILE] [--var DIR] [--nodes N] [--endpoint PATTERN] [--bus-key KEY]\n"
    "                                           make a consensus network's shared files unless they exist:\n"
    "                                           genesis.toml, keys/node-I.secret, trust.toml (PATTERN's {i}: the\n"
    "                                           node's index; default tcp://consensus-{i}:7010)\n"
    "\n"
    "  --config FILE  the mesh description (default deploy/mesh.toml)\n"
    "  --var DIR      keys, logs, pid and state, and each serverlet's data (default ./var)\n"
    "  --help         this text\n"
    "\n"
    "Exit codes: 0 success; 1 a serverlet failed (up), is unhealthy (status) or a log is missing (logs);\n"
    "2 bad usage or mesh.toml; 3 the mesh is not running (status).\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "skymesh: %s (see skymesh --help)\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  skymesh::launcher::CommandLine line;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h" || arg == "help") {
      std::fputs(k_help, stdout);
      return 0;
    } else if (arg == "--config" || arg == "--var") {
      if (i + 1 >= argc) return usage_error(arg + " needs a value");
      (arg == "--config" ? line.config : line.var) = argv[++i];
      if ((arg == "--config" ? line.config : line.var).empty()) return usage_error(arg + " needs a value");
    } else if (arg == "--nodes" || arg == "--endpoint" || arg == "--bus-key") {
      if (i + 1 >= argc || !*argv[i + 1]) return usage_error(arg + " needs a value");
      const std::string value = argv[++i];
      if (arg == "--nodes") {
        try {
          line.nodes = std::stoi(value);
        } catch (const std::exception&) {
          return usage_error("--nodes takes a number, got " + value);
        }
      } else {
        (arg == "--endpoint" ? line.endpoint : line.bus_key) = value;
      }
    } else if (arg == "--follow" || arg == "-f") {
      line.follow = true;
    } else if (arg.rfind("-", 0) == 0) {
      return usage_error("unknown option " + arg);
    } else if (line.command.empty()) {
      line.command = arg;
    } else if (line.command == "logs" && line.name.empty()) {
      line.name = arg;
    } else {
      return usage_error("unexpected argument " + arg);
    }
  }
  if (line.command.empty()) return usage_error("missing command: up, down, status, logs or genesis");
  if (line.follow && line.command != "logs") return usage_error("--follow goes with logs");
  if (!line.config.empty() && line.command != "up" && line.command != "genesis" &&
      line.command != "consensus-network") {
    return usage_error("--config goes with up, genesis or consensus-network");
  }
  if (line.command == "up") return skymesh::launcher::command_up(line);
  if (line.command == "down") return skymesh::launcher::command_down(line);
  if (line.command == "status") return skymesh::launcher::command_status(line);
  if (line.command == "genesis") return skymesh::launcher::command_genesis(line);
  if (line.command == "consensus-network") return skymesh::launcher::command_consensus_network(line);
  if (line.command == "logs") {
    if (line.name.empty()) return usage_error("logs needs a serverlet name");
    return skymesh::launcher::command_logs(line);
  }
  return usage_error("unknown command " + line.command);
}
