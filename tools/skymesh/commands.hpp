// The four commands of build/bin/skymesh (docs/launcher.md). Each returns the process exit code:
//   up      0 every serverlet listens (or the mesh was already running); 1 one failed (named on stderr); 2 bad
//           mesh.toml or var folder
//   down    0 stopped (or was not running); 1 the supervisor would not stop
//   status  0 running and every serverlet healthy; 1 some serverlet is not; 3 not running
//   logs    0 printed; 1 no such log
//   genesis 0 the local test network's files exist (made now or kept); 2 bad mesh.toml or var folder
#pragma once

#include <string>

namespace skymesh::launcher {

struct CommandLine {
  std::string command;      // up, down, status, logs, genesis
  std::string config;       // --config FILE; empty: deploy/mesh.toml (or beside the build folder)
  std::string var = "var";  // --var DIR as typed: paths shown to the user start with it
  std::string name;         // logs NAME ("skymesh" for the supervisor's own log)
  bool follow = false;      // logs --follow
};

int command_up(const CommandLine& line);
int command_down(const CommandLine& line);
int command_status(const CommandLine& line);
int command_logs(const CommandLine& line);
int command_genesis(const CommandLine& line);

}  // namespace skymesh::launcher
