#include "commands.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "consensus_network.hpp"
#include "daemon.hpp"
#include "health.hpp"
#include "keys.hpp"
#include "local_network.hpp"
#include "mesh_config.hpp"
#include "process.hpp"
#include "report.hpp"
#include "skymesh/bus/security.hpp"
#include "state_file.hpp"
#include "toml_writer.hpp"
#include "var_layout.hpp"

namespace skymesh::launcher {
namespace {

VarLayout var_of(const CommandLine& line) {
  return VarLayout(std::filesystem::absolute(line.var).lexically_normal());
}

// --config, else deploy/mesh.toml here, else the one of the checkout this build belongs to (build/bin/../..).
std::filesystem::path config_path(const CommandLine& line) {
  if (!line.config.empty()) return line.config;
  const std::filesystem::path here = "deploy/mesh.toml";
  if (std::filesystem::exists(here)) return here;
  const std::filesystem::path beside = executable_dir().parent_path().parent_path() / "deploy" / "mesh.toml";
  return std::filesystem::exists(beside) ? beside : here;
}

std::string read_all(int fd) {
  std::string text;
  char buffer[256];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      text.append(buffer, static_cast<size_t>(got));
    } else if (got == 0 || errno != EINTR) {
      return text;
    }
  }
}

}  // namespace

int command_up(const CommandLine& line) {
  const VarLayout var = var_of(line);
  const std::filesystem::path path = config_path(line);
  auto config = load_mesh_config(path);
  if (!config.ok()) {
    std::fprintf(stderr, "skymesh up: %s\n", config.status().message().c_str());
    return 2;
  }
  const Display display{line.var, executable_dir(), line.var == "var" ? "" : " --var " + line.var};
  if (const pid_t pid = running_supervisor(var)) {
    std::printf("skymesh is already running (supervisor pid %d)\n", static_cast<int>(pid));
    auto state = read_state(var.state_file());
    if (state.ok()) print_up_report(state.value(), config.value(), display);
    return 0;
  }
  std::vector<std::string> created;
  if (bus::Status status = ensure_keys(var, config.value(), created); !status.ok()) {
    std::fprintf(stderr, "skymesh up: %s\n", status.to_string().c_str());
    return 2;
  }
  for (const std::string& file : created) std::printf("created key %s\n", display.path(var, file).c_str());
  std::vector<std::string> network_files;
  if (bus::Status status = write_genesis(var, config.value(), network_files); !status.ok()) {
    std::fprintf(stderr, "skymesh up: %s\n", status.to_string().c_str());
    return 2;
  }
  for (const std::string& file : network_files) std::printf("created %s\n", display.path(var, file).c_str());
  std::fflush(stdout);
  auto ready = start_daemon(var, config.value(), executable_dir());
  if (!ready.ok()) {
    std::fprintf(stderr, "skymesh up: %s\n", ready.status().to_string().c_str());
    return 2;
  }
  const std::string answer = read_all(ready.value());
  ::close(ready.value());
  if (answer == "already running\n") {
    std::printf("skymesh is already running\n");
    return 0;
  }
  if (answer != "ready\n") {
    std::fprintf(stderr, "skymesh up: the supervisor ended during start-up%s%s; last lines of %s:\n",
                 answer.empty() ? "" : ": ", answer.substr(0, answer.find('\n')).c_str(),
                 display.path(var, var.supervisor_log()).c_str());
    for (const std::string& text : tail_lines(var.supervisor_log(), 10)) std::fprintf(stderr, "  %s\n", text.c_str());
    return 1;
  }
  auto state = read_state(var.state_file());
  if (!state.ok()) {
    std::fprintf(stderr, "skymesh up: %s\n", state.status().to_string().c_str());
    return 1;
  }
  return print_up_report(state.value(), config.value(), display);
}

int command_genesis(const CommandLine& line) {
  const VarLayout var = var_of(line);
  auto config = load_mesh_config(config_path(line));
  if (!config.ok()) {
    std::fprintf(stderr, "skymesh genesis: %s\n", config.status().message().c_str());
    return 2;
  }
  std::vector<std::string> created;
  if (bus::Status status = write_genesis(var, config.value(), created); !status.ok()) {
    std::fprintf(stderr, "skymesh genesis: %s\n", status.to_string().c_str());
    return 2;
  }
  if (created.empty()) std::printf("kept %s\n", var.genesis_file().c_str());
  for (const std::string& file : created) std::printf("created %s\n", file.c_str());
  return 0;
}

int command_consensus_network(const CommandLine& line) {
  const VarLayout var = var_of(line);
  auto config = load_mesh_config(config_path(line));
  if (!config.ok()) {
    std::fprintf(stderr, "skymesh consensus-network: %s\n", config.status().message().c_str());
    return 2;
  }
  ConsensusNetworkSpec spec;
  spec.nodes = line.nodes;
  spec.endpoint_pattern = line.endpoint;
  if (!line.bus_key.empty()) {
    if (bus::valid_z85_key(line.bus_key)) {
      spec.bus_key = line.bus_key;
    } else {
      auto keys = bus::load_key_file(line.bus_key);
      if (!keys.ok()) {
        std::fprintf(stderr, "skymesh consensus-network: --bus-key: %s\n", keys.status().to_string().c_str());
        return 2;
      }
      spec.bus_key = keys->public_key;
    }
  }
  std::vector<std::string> created;
  if (bus::Status status = write_consensus_network(var, config.value(), spec, created); !status.ok()) {
    std::fprintf(stderr, "skymesh consensus-network: %s\n", status.to_string().c_str());
    return 2;
  }
  if (created.empty()) std::printf("kept %s\n", trust_file(var).c_str());
  for (const std::string& file : created) std::printf("created %s\n", file.c_str());
  return 0;
}

int command_down(const CommandLine& line) {
  const VarLayout var = var_of(line);
  const pid_t pid = running_supervisor(var);
  if (pid == 0) {
    std::printf("skymesh is not running\n");
    return 0;
  }
  if (pid > 0) ::kill(pid, SIGTERM);
  // The supervisor itself escalates to SIGKILL after its grace period; this is the wait for all of that.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (running_supervisor(var) != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (running_supervisor(var) != 0) {
    std::fprintf(stderr, "skymesh down: the supervisor (pid %d) did not stop within 60 s; killing it\n",
                 static_cast<int>(pid));
    if (pid > 0) ::kill(pid, SIGKILL);
    return 1;
  }
  size_t stopped = 0;
  if (auto state = read_state(var.state_file()); state.ok()) {
    for (const ServerletStatus& s : state->serverlets) stopped += s.state == "stopped" ? 1 : 0;
  }
  std::printf("skymesh stopped (%zu serverlets)\n", stopped);
  return 0;
}

int command_status(const CommandLine& line) {
  const VarLayout var = var_of(line);
  const pid_t pid = running_supervisor(var);
  auto state = read_state(var.state_file());
  const Display display{line.var, executable_dir(), ""};
  if (pid == 0) {
    std::printf("skymesh is not running (var folder %s)\n", line.var.c_str());
    if (state.ok()) {
      for (ServerletStatus& s : state->serverlets) {
        if (s.state != "skipped") s.state = "stopped";
        s.pid = 0;
      }
      print_status_table(state.value(), {}, display);
    }
    return 3;
  }
  if (!state.ok()) {
    std::printf("skymesh is starting (supervisor pid %d): no state yet\n", static_cast<int>(pid));
    return 1;
  }
  std::vector<PingTarget> targets;
  std::vector<size_t> pinged;
  bool any_curve = false;
  for (size_t i = 0; i < state->serverlets.size(); ++i) {
    const ServerletStatus& s = state->serverlets[i];
    if (s.pid == 0 || !s.listening || s.endpoints.empty()) continue;
    targets.push_back(PingTarget{s.endpoints.front(), s.curve ? var.public_key(s.name) : std::filesystem::path()});
    pinged.push_back(i);
    any_curve = any_curve || s.curve;
  }
  const auto health = targets.empty() ? std::vector<Health>()
                                      : ping_all(targets, any_curve ? var.client_key() : std::filesystem::path(),
                                                 std::chrono::milliseconds(2000));
  std::vector<std::optional<Health>> by_serverlet(state->serverlets.size());
  for (size_t k = 0; k < pinged.size(); ++k) by_serverlet[pinged[k]] = health[k];
  std::printf("skymesh is running (supervisor pid %d)\n", static_cast<int>(pid));
  print_status_table(state.value(), by_serverlet, display);
  bool all_well = true;
  for (size_t i = 0; i < state->serverlets.size(); ++i) {
    const ServerletStatus& s = state->serverlets[i];
    if (s.state == "skipped") continue;
    all_well = all_well && s.state == "running" && by_serverlet[i] && by_serverlet[i]->ok;
  }
  return all_well ? 0 : 1;
}

int command_logs(const CommandLine& line) {
  const VarLayout var = var_of(line);
  const std::filesystem::path path = line.name == "skymesh" ? var.supervisor_log() : var.log(line.name);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "skymesh logs: no log for %s (%s)\n", line.name.c_str(), path.string().c_str());
    return 1;
  }
  std::string buffer(64 * 1024, '\0');
  std::streamoff offset = 0;
  for (;;) {
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      std::fwrite(buffer.data(), 1, static_cast<size_t>(in.gcount()), stdout);
      offset += in.gcount();
    }
    std::fflush(stdout);
    if (!line.follow) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (!error && static_cast<std::streamoff>(size) < offset) offset = 0;  // truncated or replaced
    in.close();
    in.open(path, std::ios::binary);
    in.seekg(offset);
  }
}

}  // namespace skymesh::launcher
