// Keeps the logs under var/log from growing without bound. A serverlet writes its log through a descriptor the
// supervisor opened with O_APPEND, which it keeps across the rotation, so rotation copies and truncates
// (logrotate's copytruncate): NAME.log is copied to NAME.log.1 (older copies shift to .2 ... .KEEP, the oldest
// dropped) and then truncated to zero; the writer's next line lands at the start of the emptied file. Lines
// written between the copy and the truncation are lost: a window of microseconds, once per rotation.
#pragma once

#include <cstdint>
#include <filesystem>

#include "skymesh/bus/status.hpp"

namespace skymesh::launcher {

// The rotated copy number `n` (1 is the newest) of `log`: NAME.log.n.
std::filesystem::path rotated_log(const std::filesystem::path& log, int n);

// Rotates `log` when it holds more than `max_bytes`, keeping `keep` copies (>= 1). Sets `rotated` when it did.
// A missing log is not an error.
bus::Status rotate_if_larger(const std::filesystem::path& log, uintmax_t max_bytes, int keep, bool& rotated);

}  // namespace skymesh::launcher
