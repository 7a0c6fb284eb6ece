// The supervisor: the background process `skymesh up` leaves running. It starts each serverlet of mesh.toml as
// its own process, watches for its `listening` lines, restarts one that exits (exponential back-off, reset
// after a long enough run), marks one that keeps exiting as failing (with the last lines of its log), keeps
// var/run/state.toml current, and on SIGTERM or SIGINT stops every serverlet (SIGTERM, SIGKILL after the grace
// period) before it returns.
//
// Single-threaded: signals arrive through a signalfd polled with a 100 ms tick. Log lines (logfmt) go to the
// Logger, which writes to stderr: var/log/skymesh.log once daemonized.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include "mesh_config.hpp"
#include "skymesh/bus/log.hpp"
#include "state_file.hpp"
#include "var_layout.hpp"

namespace skymesh::launcher {

class Supervisor {
 public:
  // `bin_dir` holds skymesh-<program> executables; an entry whose executable is absent is skipped with a notice.
  // `ready_fd` (or -1) gets "ready\n" and is closed once every serverlet is listening, failing, or past the
  // start timeout: `skymesh up` waits on it.
  Supervisor(const VarLayout& var, const MeshConfig& config, std::filesystem::path bin_dir, int ready_fd,
             const bus::Logger& logger);
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs until SIGTERM or SIGINT, then stops every serverlet. Returns the process exit code (0; 1 when the
  // signal set-up failed).
  int run();

 private:
  struct Child {
    const ServerletEntry* entry = nullptr;
    std::filesystem::path program;
    std::vector<std::string> args;
    ServerletStatus status;
    bool skipped = false;
    bool failing = false;
    int64_t started_at = 0;     // monotonic ms of the current run's start
    int64_t next_start_at = 0;  // monotonic ms; while waiting to restart
    int64_t backoff_ms = 0;
    std::deque<int64_t> exits;  // monotonic ms of recent exits, within the failing window
    uintmax_t log_offset = 0;   // where the current run's output begins in its log
    int starts = 0;
  };

  void prepare(const ServerletEntry& entry, bool registry_on);
  void start(Child& child, int64_t now);
  void on_exit(Child& child, int wait_status, int64_t now);
  void scan_listening(Child& child);
  void tick(int64_t now);
  void reap(int64_t now);
  // Rotates the logs past [supervisor] log_max_bytes: each serverlet's and the supervisor's own.
  void rotate_logs();
  // SIGTERM to the running serverlets of one wave (the registry's, or all others), SIGKILL after the grace.
  void stop_wave(bool registry);
  void stop_all();
  void label(Child& child);
  void publish();
  std::string last_lines(const Child& child) const;

  VarLayout var_;
  const MeshConfig& config_;
  std::filesystem::path bin_dir_;
  int ready_fd_;
  const bus::Logger& logger_;
  std::vector<Child> children_;
  int signal_fd_ = -1;
  int64_t began_at_ = 0;
  int64_t logs_checked_at_ = 0;
  bool stopping_ = false;
  bool ready_ = false;
  bool dirty_ = true;
};

}  // namespace skymesh::launcher
