// The four commands of build/bin/skymesh (docs/launcher.md). Each returns the process exit code:
//   up      0 every serverlet listens (or the mesh was already running); 1 one failed (named on stderr); 2 bad
//           mesh.toml or var folder
//   down    0 stopped (or was not running); 1 the supervisor would not stop
//   status  0 running and every serverlet healthy; 1 some serverlet is not; 3 not running
//   logs    0 printed; 1 no such log
//   genesis 0 the local test network's files exist (made now or kept); 2 bad mesh.toml or var folder
//   consensus-network  the same for a consensus network's files (consensus_network.hpp)
#pragma once

#include <string>

namespace skymesh::launcher {

struct CommandLine {
  std::string command;      // up, down, status, logs, genesis
  std::string config;       // --config FILE; empty: deploy/mesh.toml (or beside the build folder)
  std::string var = "var";  // --var DIR as typed: paths shown to the user start with it
  std::string name;         // logs NAME ("skymesh" for the supervisor's own log)
  bool follow = false;      // logs --follow
  // consensus-network: --nodes N, --endpoint PATTERN ({i}: the node's index), --bus-key FILE|Z85
  int nodes = 4;
  std::string endpoint = "tcp://consensus-{i}:7010";
  std::string bus_key;
};

int command_up(const CommandLine& line);
int command_down(const CommandLine& line);
int command_status(const CommandLine& line);
int command_logs(const CommandLine& line);
int command_genesis(const CommandLine& line);
int command_consensus_network(const CommandLine& line);

}  // namespace skymesh::launcher
