// Process plumbing the launcher needs: start a serverlet with its output in a log file, tell whether a pid
// still runs, describe how a process ended, and read the last lines of a log.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "skymesh/bus/status.hpp"

namespace skymesh::launcher {

// Starts `program` with `args` (argv[1..]), stdin from /dev/null, stdout and stderr appended to `log`. The
// child gets SIGTERM if the calling process dies (PR_SET_PDEATHSIG), starts with no blocked signals, and
// inherits no descriptor of ours but 0-2 (ours are close-on-exec). An exec failure shows in `log` as exit 127.
bus::Result<pid_t> spawn_logged(const std::filesystem::path& program, const std::vector<std::string>& args,
                                const std::filesystem::path& log);
// True when `pid` exists and is not a zombie.
bool process_alive(pid_t pid);
// "exit code 2", "killed by SIGKILL", from a waitpid status.
std::string describe_exit(int wait_status);
// The last `count` lines of a file (fewer when it is shorter; none when it is missing).
std::vector<std::string> tail_lines(const std::filesystem::path& path, size_t count);
// Milliseconds since the Unix epoch (wall clock, for display) and a monotonic clock in milliseconds.
int64_t unix_ms();
int64_t monotonic_ms();
// The folder of the running executable (/proc/self/exe), where the serverlet executables sit beside it.
std::filesystem::path executable_dir();

}  // namespace skymesh::launcher
