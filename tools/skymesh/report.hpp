// What `skymesh up` and `skymesh status` print: where each serverlet listens, meshctl lines that work as
// printed, and the last log lines of a serverlet that keeps failing.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "health.hpp"
#include "mesh_config.hpp"
#include "state_file.hpp"
#include "var_layout.hpp"

namespace skymesh::launcher {

struct Display {
  std::string var;                // the var folder as the user typed it
  std::filesystem::path bin_dir;  // where skymesh and meshctl are
  std::string var_flag;           // " --var DIR" when not the default, for the printed skymesh commands

  // A file under the var folder, shown starting with the var folder as typed ("var/keys/client.key").
  std::string path(const VarLayout& layout, const std::filesystem::path& file) const;
  // An executable beside skymesh, relative to the working directory when below it ("build/bin/meshctl").
  std::string bin(const std::string& program) const;
};

// A word safe for a POSIX shell as is, or single-quoted.
std::string shell_quote(const std::string& word);

// Prints the start-up report; returns `up`'s exit code: 0 when every serverlet that is not skipped listens, 1
// otherwise (the failing ones named on stderr).
int print_up_report(const MeshState& state, const MeshConfig& config, const Display& display);
// One line per serverlet: name, state, pid, restarts, uptime, endpoint, health; then the last log lines of
// every failing serverlet. `health` is indexed like state.serverlets (nullopt: not pinged).
void print_status_table(const MeshState& state, const std::vector<std::optional<Health>>& health,
                        const Display& display);

}  // namespace skymesh::launcher
