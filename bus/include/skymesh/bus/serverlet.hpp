// What every serverlet executable shares: the common flags, their environment variables, CurveZMQ set-up, the
// refusal to listen in the clear beyond loopback, and the run loop. A serverlet's main() is then a few lines:
//
//   int main(int argc, char** argv) {
//     return skymesh::bus::run_serverlet(argc, argv, {"echo", "answers echo.* calls"},
//                                        [](skymesh::bus::Node& node, const ServerletOptions& options) {...});
//   }
//
// Precedence: flags override environment variables (SKYMESH_LISTEN, SKYMESH_DATA, SKYMESH_KEY, SKYMESH_ALLOW,
// SKYMESH_LOG_LEVEL, SKYMESH_INSECURE=1, SKYMESH_REGISTRY, SKYMESH_REGISTRY_KEY, SKYMESH_ADVERTISE, and
// SKYMESH_<FLAG> for a serverlet's own flag), which override the config file (--config FILE or SKYMESH_CONFIG:
// TOML `name = value` lines), which overrides defaults.
//
// With --registry the serverlet registers with the admin serverlet and heartbeats (registration.hpp); a drain
// or stop control call then ends it cleanly, and SIGINT/SIGTERM deregister it before it exits.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "skymesh/bus/node.hpp"

namespace skymesh::bus {

struct ServerletSpec {
  std::string name;     // "echo": the executable is skymesh-echo
  std::string summary;  // one line for --help
  // Extra flags of this serverlet: name (without --) -> help text. Each takes one value.
  std::map<std::string, std::string> flags;
};

struct ServerletOptions {
  std::vector<std::string> listen;            // --listen ENDPOINT (repeatable); default tcp://127.0.0.1:0
  std::string data_dir;                       // --data DIR
  std::string key_file;                       // --key FILE: this serverlet's CurveZMQ key pair
  std::string allow_file;                     // --allow FILE: client public keys admitted
  bool insecure = false;                      // --insecure
  std::string log_level = "info";             // --log-level
  std::string registry;                       // --registry ENDPOINT: the admin serverlet to register with
  std::string registry_key;                   // --registry-key FILE|Z85: the admin's CurveZMQ public key
  std::vector<std::string> advertise;         // --advertise ENDPOINT (repeatable): what callers should use
  long spin_us = -1;                          // --spin-us N: ReactorOptions::spin (-1: its default)
  std::map<std::string, std::string> values;  // the serverlet's own flags, by name
};

// Parses argv into options (false and a message on a bad flag). Exposed for tests.
bool parse_serverlet_args(int argc, char** argv, const ServerletSpec& spec, ServerletOptions& options,
                          std::string& error, bool& help);
std::string serverlet_help(const ServerletSpec& spec);
// Builds the NodeOptions security part from the options (loading key and allow files).
Status load_security(const ServerletOptions& options, Security& security);

using ServerletSetup = std::function<Status(Node& node, const ServerletOptions& options)>;
// Parses flags, builds the Node, calls setup, listens, prints one `listening` line per endpoint, and serves
// until SIGINT or SIGTERM. Returns the process exit code.
int run_serverlet(int argc, char** argv, const ServerletSpec& spec, const ServerletSetup& setup);

}  // namespace skymesh::bus
