// Where the launcher keeps everything under the var folder (default ./var; docs/launcher.md, "Files under var"):
//   run/skymesh.pid  run/state.toml  log/skymesh.log  log/<name>.log  keys/<name>.key  keys/<name>.pub  keys/client.key
//   keys/allow  genesis.toml  <data>/ (each serverlet's --data folder)
#pragma once

#include <filesystem>
#include <string>

namespace skymesh::launcher {

class VarLayout {
 public:
  // `root` should be absolute: serverlets and the daemon get these paths as they are.
  explicit VarLayout(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path run_dir() const { return root_ / "run"; }
  std::filesystem::path log_dir() const { return root_ / "log"; }
  std::filesystem::path keys_dir() const { return root_ / "keys"; }
  // The supervisor's pid; the supervisor holds an flock on it for as long as it lives.
  std::filesystem::path pid_file() const { return run_dir() / "skymesh.pid"; }
  // The supervisor's view of every serverlet, rewritten on each change (state_file.hpp).
  std::filesystem::path state_file() const { return run_dir() / "state.toml"; }
  std::filesystem::path supervisor_log() const { return log_dir() / "skymesh.log"; }
  std::filesystem::path log(const std::string& name) const { return log_dir() / (name + ".log"); }
  std::filesystem::path key(const std::string& name) const { return keys_dir() / (name + ".key"); }
  // `public = KEY` only, mode 0644: what a client of serverlet `name` is given (--server-key, --registry-key).
  std::filesystem::path public_key(const std::string& name) const { return keys_dir() / (name + ".pub"); }
  std::filesystem::path client_key() const { return keys_dir() / "client.key"; }
  std::filesystem::path allow_file() const { return keys_dir() / "allow"; }
  std::filesystem::path genesis_file() const { return root_ / "genesis.toml"; }
  // A serverlet's --data folder: `data` relative to the var folder unless absolute.
  std::filesystem::path data(const std::string& data) const { return root_ / data; }

 private:
  std::filesystem::path root_;
};

}  // namespace skymesh::launcher
