// The supervisor as a daemon: detached from the terminal (setsid, double fork), its output in
// var/log/skymesh.log, its pid in var/run/skymesh.pid under an flock held for its whole life. The lock, not
// the pid, is what says "running": it cannot outlive the process and never names a recycled pid.
#pragma once

#include <sys/types.h>

#include <filesystem>

#include "mesh_config.hpp"
#include "skymesh/bus/status.hpp"
#include "var_layout.hpp"

namespace skymesh::launcher {

// The pid of the live supervisor of `var`, or 0 when none holds the pid file's lock.
pid_t running_supervisor(const VarLayout& var);

// Forks the supervisor into the background and returns, in the calling process, the read end of a pipe that
// yields "ready\n" once every serverlet has settled (or EOF when the supervisor ended first), or an error line
// ("already running\n"). The caller must have started no threads. Creates var/run and var/log.
bus::Result<int> start_daemon(const VarLayout& var, const MeshConfig& config, const std::filesystem::path& bin_dir);

}  // namespace skymesh::launcher
