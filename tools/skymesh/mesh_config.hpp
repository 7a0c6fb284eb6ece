// deploy/mesh.toml as the launcher reads it: which serverlets run, where they listen, their data folders,
// extra flags and keys, and how the supervisor restarts them. docs/launcher.md is the reference of every key.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "skymesh/bus/status.hpp"
#include "skymesh/toml/toml.hpp"

namespace skymesh::launcher {

// How the supervisor treats a serverlet that exits (the [supervisor] table).
struct SupervisorPolicy {
  std::chrono::milliseconds backoff_initial{500};  // first restart delay; doubles after each exit
  std::chrono::milliseconds backoff_max{30000};    // the delay never exceeds this
  std::chrono::milliseconds stable_after{60000};   // a run this long resets the delay and the exit history
  int failing_exits = 5;                           // this many exits within failing_window: "failing"
  std::chrono::milliseconds failing_window{60000};
  std::chrono::milliseconds start_timeout{30000};  // `up` stops waiting for a `listening` line after this
  std::chrono::milliseconds stop_grace{5000};      // SIGTERM, then SIGKILL after this
  int64_t log_max_bytes = 10 * 1024 * 1024;        // a log under var/log past this is rotated (log_rotation.hpp)
  int log_keep = 3;                                // rotated copies kept: NAME.log.1 .. NAME.log.N
};

// One [[serverlet]] entry.
struct ServerletEntry {
  std::string name;                   // unique in the mesh; names var/<data>, var/log/<name>.log, keys
  std::string program;                // runs skymesh-<program> from the launcher's own folder (default: name)
  std::vector<std::string> listen;    // one --listen per endpoint
  std::string data;                   // --data: relative to the var folder (default: name)
  bool curve = true;                  // CurveZMQ keys (default: [mesh] curve)
  bool enabled = true;                // false: never started
  bool genesis = false;               // pass --genesis VAR/genesis.toml (the [genesis] table)
  bool block_maker = false;           // pass --block-key VAR/keys/block-maker.secret (made with the genesis)
  std::vector<std::string> flags;     // extra arguments, as is
  std::vector<std::string> try_args;  // meshctl arguments `up` prints as a line to try
  int line = 0;                       // where the entry starts in mesh.toml
};

struct MeshConfig {
  std::string registry;  // the admin's bus endpoint, passed as --registry when an admin entry runs
  bool curve = true;
  SupervisorPolicy policy;
  std::vector<ServerletEntry> serverlets;  // in file order
  toml::Table genesis;                     // the [genesis] table, to var/genesis.toml (local_network.hpp)
};

// Reads and checks mesh.toml. Errors name the file, line and what is wrong (unknown keys included).
bus::Result<MeshConfig> load_mesh_config(const std::filesystem::path& path);
// The same from text already in memory (`source` names it in errors).
bus::Result<MeshConfig> parse_mesh_config(std::string_view text, const std::string& source);

}  // namespace skymesh::launcher
