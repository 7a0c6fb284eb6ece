// The supervisor's view of the mesh, written to var/run/state.toml after every change (atomically: a temporary
// file renamed over the old one) and read by `skymesh status` and `skymesh up`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "skymesh/bus/status.hpp"

namespace skymesh::launcher {

struct ServerletStatus {
  std::string name;
  std::string state;  // starting, running, restarting, failing, stopped, skipped
  int64_t pid = 0;    // 0 when no process runs
  int64_t restarts = 0;
  int64_t started_ms = 0;  // Unix milliseconds when the current process started; 0 when none
  // From its `listening` lines, bus endpoints (tcp, ipc, inproc) first; the configured ones until it listens.
  std::vector<std::string> endpoints;
  bool curve = false;      // serves with var/keys/<name>.key
  bool listening = false;  // printed every `listening` line of its current run
  std::string message;     // why it is skipped or failing, or its last exit
};

struct MeshState {
  int64_t supervisor_pid = 0;
  bool ready = false;  // every serverlet is listening, failing or past its start timeout
  std::vector<ServerletStatus> serverlets;
};

bus::Status write_state(const std::filesystem::path& path, const MeshState& state);
// Errors: no file (not_found), or one that does not parse (bad_request, with its line).
bus::Result<MeshState> read_state(const std::filesystem::path& path);

}  // namespace skymesh::launcher
