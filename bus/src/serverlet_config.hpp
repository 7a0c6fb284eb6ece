// A serverlet's config file (--config FILE, env SKYMESH_CONFIG): flat TOML whose keys are the flag names
// without their dashes, e.g.
//
//   listen = ["tcp://0.0.0.0:7001", "ipc:///run/skymesh/crypto"]
//   data = "/var/lib/skymesh/crypto"
//   registry = "tcp://admin:7100"
//   workers = 4          # a serverlet's own flag
//
// It is applied first; environment variables then override it, and flags override both.
#pragma once

#include <string>

#include "skymesh/bus/serverlet.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::bus {

// Reads `path` into `options`. An unknown key, a value of the wrong type or a syntax error is bad_request
// naming the file and line; an unreadable file is bad_request naming the file.
Status apply_config_file(const std::string& path, const ServerletSpec& spec, ServerletOptions& options);

// Reads --spin-us's value: a whole number of microseconds from 0 to 10000 (bad_request otherwise).
Status parse_spin_us(const std::string& text, long& spin_us);

// The environment variable of a serverlet's own flag: "lease-ms" -> "SKYMESH_LEASE_MS".
std::string flag_env_name(const std::string& flag);

}  // namespace skymesh::bus
