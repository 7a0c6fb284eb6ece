#include "supervisor.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "local_network.hpp"
#include "log_rotation.hpp"
#include "process.hpp"

namespace skymesh::launcher {
namespace {

constexpr int k_tick_ms = 100;
constexpr size_t k_report_lines = 8;  // log lines quoted when a serverlet is failing

}  // namespace

Supervisor::Supervisor(const VarLayout& var, const MeshConfig& config, std::filesystem::path bin_dir, int ready_fd,
                       const bus::Logger& logger)
    : var_(var), config_(config), bin_dir_(std::move(bin_dir)), ready_fd_(ready_fd), logger_(logger) {
  // The registry flag only makes sense when the admin serverlet is part of this mesh.
  bool registry_on = false;
  for (const ServerletEntry& entry : config_.serverlets) {
    if (entry.program == "admin" && entry.enabled && std::filesystem::exists(bin_dir_ / "skymesh-admin")) {
      registry_on = !config_.registry.empty();
    }
  }
  for (const ServerletEntry& entry : config_.serverlets) prepare(entry, registry_on);
}

void Supervisor::prepare(const ServerletEntry& entry, bool registry_on) {
  Child child;
  child.entry = &entry;
  child.program = bin_dir_ / ("skymesh-" + entry.program);
  child.backoff_ms = config_.policy.backoff_initial.count();
  child.status.name = entry.name;
  child.status.endpoints = entry.listen;
  child.status.curve = entry.curve;
  if (!entry.enabled || !std::filesystem::exists(child.program)) {
    child.skipped = true;
    child.status.state = "skipped";
    child.status.message =
        entry.enabled ? child.program.filename().string() + " is not built" : "enabled = false in mesh.toml";
    logger_.warn("serverlet_skipped", {{"name", entry.name}, {"reason", child.status.message}});
    children_.push_back(std::move(child));
    return;
  }
  for (const std::string& endpoint : entry.listen) child.args.insert(child.args.end(), {"--listen", endpoint});
  child.args.insert(child.args.end(), {"--data", var_.data(entry.data).string()});
  if (entry.curve) {
    child.args.insert(child.args.end(),
                      {"--key", var_.key(entry.name).string(), "--allow", var_.allow_file().string()});
  }
  if (registry_on && entry.program != "admin") {
    child.args.insert(child.args.end(), {"--registry", config_.registry});
    for (const ServerletEntry& other : config_.serverlets) {
      if (other.program == "admin" && other.enabled && other.curve) {
        child.args.insert(child.args.end(), {"--registry-key", var_.public_key(other.name).string()});
        break;
      }
    }
  }
  if (entry.genesis) child.args.insert(child.args.end(), {"--genesis", var_.genesis_file().string()});
  if (entry.block_maker) child.args.insert(child.args.end(), {"--block-key", block_maker_key_file(var_).string()});
  // `{var}` in a flag stands for the var folder (a key file of another serverlet, say).
  for (std::string flag : entry.flags) {
    for (size_t at = flag.find("{var}"); at != std::string::npos; at = flag.find("{var}", at)) {
      flag.replace(at, 5, var_.root().string());
    }
    child.args.push_back(std::move(flag));
  }
  child.status.state = "starting";
  children_.push_back(std::move(child));
}

void Supervisor::start(Child& child, int64_t now) {
  std::error_code error;
  std::filesystem::create_directories(var_.data(child.entry->data), error);
  const std::filesystem::path log = var_.log(child.status.name);
  std::string command = child.program.string();
  for (const std::string& arg : child.args) command += " " + arg;
  {
    std::ofstream out(log, std::ios::app);
    out << "--- skymesh: start " << child.starts + 1 << " of " << child.status.name << ": " << command << "\n";
  }
  child.log_offset = std::filesystem::file_size(log, error);
  if (error) child.log_offset = 0;
  auto pid = spawn_logged(child.program, child.args, log);
  ++child.starts;
  if (child.starts > 1) ++child.status.restarts;
  child.started_at = now;
  if (!pid.ok()) {
    // Counts as an immediate exit, so the back-off and the failing report apply.
    logger_.error("spawn_failed", {{"name", child.status.name}, {"error", pid.status().to_string()}});
    on_exit(child, W_EXITCODE(127, 0), now);
    return;
  }
  child.status.pid = pid.value();
  child.status.started_ms = unix_ms();
  child.status.listening = false;
  child.status.endpoints = child.entry->listen;  // until its `listening` lines say where it really is
  logger_.info(
      "serverlet_started",
      {{"name", child.status.name}, {"pid", std::to_string(pid.value())}, {"start", std::to_string(child.starts)}});
  label(child);
}

std::string Supervisor::last_lines(const Child& child) const {
  std::string text;
  for (const std::string& line : tail_lines(var_.log(child.status.name), k_report_lines)) {
    text += (text.empty() ? "" : " | ") + line;
  }
  return text;
}

void Supervisor::on_exit(Child& child, int wait_status, int64_t now) {
  const int64_t ran_ms = now - child.started_at;
  const std::string how = describe_exit(wait_status);
  child.status.pid = 0;
  child.status.started_ms = 0;
  child.status.listening = false;
  child.status.endpoints = child.entry->listen;
  child.status.message = "last run: " + how + " after " + std::to_string(ran_ms) + " ms";
  dirty_ = true;
  if (stopping_) {
    child.status.state = "stopped";
    logger_.info("serverlet_stopped", {{"name", child.status.name}, {"exit", how}});
    return;
  }
  const SupervisorPolicy& policy = config_.policy;
  if (ran_ms >= policy.stable_after.count()) {
    child.backoff_ms = policy.backoff_initial.count();
    child.exits.clear();
  }
  child.exits.push_back(now);
  while (!child.exits.empty() && now - child.exits.front() > policy.failing_window.count()) child.exits.pop_front();
  const int64_t delay = child.backoff_ms;
  child.backoff_ms = std::min<int64_t>(child.backoff_ms * 2, policy.backoff_max.count());
  child.next_start_at = now + delay;
  logger_.warn("serverlet_exited", {{"name", child.status.name},
                                    {"exit", how},
                                    {"ran_ms", std::to_string(ran_ms)},
                                    {"restart_in_ms", std::to_string(delay)}});
  const bool newly_failing = !child.failing && static_cast<int>(child.exits.size()) >= policy.failing_exits;
  child.failing = child.failing || newly_failing;
  if (child.failing) {
    child.status.message = "exited " + std::to_string(child.exits.size()) + " times within " +
                           std::to_string(policy.failing_window.count() / 1000) + " s (last: " + how + "); see " +
                           var_.log(child.status.name).string();
  }
  if (newly_failing) {
    logger_.error("serverlet_failing", {{"name", child.status.name},
                                        {"exits", std::to_string(child.exits.size())},
                                        {"window_ms", std::to_string(policy.failing_window.count())},
                                        {"last_exit", how},
                                        {"log", var_.log(child.status.name).string()},
                                        {"last_lines", last_lines(child)}});
  }
  label(child);
}

void Supervisor::label(Child& child) {
  std::string state;
  if (child.skipped) {
    state = "skipped";
  } else if (stopping_ && child.status.pid == 0) {
    state = "stopped";
  } else if (child.failing) {
    state = "failing";
  } else if (child.status.pid == 0) {
    state = "restarting";
  } else {
    state = child.status.listening ? "running" : "starting";
  }
  if (state != child.status.state) dirty_ = true;
  child.status.state = state;
}

void Supervisor::scan_listening(Child& child) {
  std::ifstream in(var_.log(child.status.name));
  in.seekg(static_cast<std::streamoff>(child.log_offset));
  // Bus endpoints first (one line per --listen); other lines such as admin's `listening http://...` after.
  std::vector<std::string> heard;
  std::vector<std::string> other;
  for (std::string line; std::getline(in, line);) {
    if (in.eof()) break;  // a line still being written
    if (line.rfind("listening ", 0) != 0) continue;
    const std::string endpoint = line.substr(10);
    const bool bus =
        endpoint.rfind("tcp://", 0) == 0 || endpoint.rfind("ipc://", 0) == 0 || endpoint.rfind("inproc://", 0) == 0;
    (bus ? heard : other).push_back(endpoint);
  }
  if (heard.size() < child.entry->listen.size()) return;
  heard.insert(heard.end(), other.begin(), other.end());
  child.status.endpoints = heard;
  child.status.listening = true;
  logger_.info("serverlet_listening", {{"name", child.status.name}, {"endpoints", [&heard]() {
                                                                       std::string all;
                                                                       for (const auto& e : heard)
                                                                         all += (all.empty() ? "" : ",") + e;
                                                                       return all;
                                                                     }()}});
  label(child);
}

void Supervisor::reap(int64_t now) {
  for (;;) {
    int wait_status = 0;
    const pid_t pid = ::waitpid(-1, &wait_status, WNOHANG);
    if (pid <= 0) return;
    for (Child& child : children_) {
      if (child.status.pid == pid) on_exit(child, wait_status, now);
    }
  }
}

void Supervisor::rotate_logs() {
  const auto& policy = config_.policy;
  const auto max_bytes = static_cast<uintmax_t>(policy.log_max_bytes);
  for (Child& child : children_) {
    // A starting serverlet's log is left alone until its `listening` line has been read from it.
    if (child.skipped || (child.status.pid != 0 && !child.status.listening)) continue;
    bool rotated = false;
    if (bus::Status s = rotate_if_larger(var_.log(child.status.name), max_bytes, policy.log_keep, rotated); !s.ok()) {
      logger_.warn("log_rotation_failed", {{"name", child.status.name}, {"error", s.to_string()}});
    } else if (rotated) {
      child.log_offset = 0;  // the current run's lines now start at the top of the emptied log
      logger_.info("log_rotated", {{"name", child.status.name}, {"keep", std::to_string(policy.log_keep)}});
    }
  }
  bool rotated = false;
  if (bus::Status s = rotate_if_larger(var_.supervisor_log(), max_bytes, policy.log_keep, rotated); !s.ok()) {
    logger_.warn("log_rotation_failed", {{"name", "skymesh"}, {"error", s.to_string()}});
  } else if (rotated) {
    logger_.info("log_rotated", {{"name", "skymesh"}, {"keep", std::to_string(policy.log_keep)}});
  }
}

void Supervisor::tick(int64_t now) {
  // Sizes are checked once a second: a serverlet's log may overshoot the limit by a second of output.
  if (now - logs_checked_at_ >= 1000) {
    logs_checked_at_ = now;
    rotate_logs();
  }
  for (Child& child : children_) {
    if (child.skipped) continue;
    if (child.status.pid == 0 && now >= child.next_start_at) start(child, now);
    if (child.status.pid != 0 && !child.status.listening) scan_listening(child);
    // A long enough run ends the failing report and resets the back-off.
    if (child.status.pid != 0 && child.status.listening &&
        now - child.started_at >= config_.policy.stable_after.count() && (child.failing || !child.exits.empty())) {
      if (child.failing) logger_.info("serverlet_recovered", {{"name", child.status.name}});
      child.failing = false;
      child.exits.clear();
      child.backoff_ms = config_.policy.backoff_initial.count();
      child.status.message.clear();
      label(child);
    }
  }
  if (!ready_) {
    const bool timed_out = now - began_at_ >= config_.policy.start_timeout.count();
    const bool settled = std::all_of(children_.begin(), children_.end(), [timed_out](const Child& child) {
      return child.skipped || child.failing || child.status.listening || timed_out;
    });
    if (settled) {
      ready_ = true;
      dirty_ = true;
      publish();
      if (ready_fd_ >= 0) {
        [[maybe_unused]] ssize_t written = ::write(ready_fd_, "ready\n", 6);
        ::close(ready_fd_);
        ready_fd_ = -1;
      }
      logger_.info("mesh_ready", {{"timed_out", timed_out ? "true" : "false"}});
    }
  }
}

void Supervisor::publish() {
  if (!dirty_) return;
  MeshState state;
  state.supervisor_pid = ::getpid();
  state.ready = ready_;
  for (const Child& child : children_) state.serverlets.push_back(child.status);
  if (bus::Status status = write_state(var_.state_file(), state); !status.ok()) {
    logger_.error("state_write_failed", {{"error", status.to_string()}});
  }
  dirty_ = false;
}

void Supervisor::stop_wave(bool registry) {
  std::vector<Child*> wave;
  for (Child& child : children_) {
    if (child.status.pid != 0 && (child.entry->program == "admin") == registry) wave.push_back(&child);
  }
  for (Child* child : wave) ::kill(child->status.pid, SIGTERM);
  const int64_t deadline = monotonic_ms() + config_.policy.stop_grace.count();
  auto running = [&wave]() {
    return std::any_of(wave.begin(), wave.end(), [](const Child* c) { return c->status.pid != 0; });
  };
  while (running() && monotonic_ms() < deadline) {
    pollfd item{signal_fd_, POLLIN, 0};
    ::poll(&item, 1, k_tick_ms);
    signalfd_siginfo info;
    while (::read(signal_fd_, &info, sizeof info) == sizeof info) {
    }
    reap(monotonic_ms());
  }
  for (Child* child : wave) {
    if (child->status.pid == 0) continue;
    logger_.warn("serverlet_killed", {{"name", child->status.name},
                                      {"reason", "no exit within the stop grace period"},
                                      {"grace_ms", std::to_string(config_.policy.stop_grace.count())}});
    ::kill(child->status.pid, SIGKILL);
    int wait_status = 0;
    ::waitpid(child->status.pid, &wait_status, 0);
    on_exit(*child, wait_status, monotonic_ms());
  }
}

void Supervisor::stop_all() {
  stopping_ = true;
  for (Child& child : children_) label(child);
  publish();
  // The registry (admin) goes last, so the others can deregister from it on their way out.
  stop_wave(false);
  stop_wave(true);
  publish();
}

int Supervisor::run() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, signal);
  ::sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal_fd_ = ::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ < 0) {
    logger_.error("signalfd_failed");
    return 1;
  }
  began_at_ = monotonic_ms();
  logger_.info("supervisor_started", {{"pid", std::to_string(::getpid())},
                                      {"serverlets", std::to_string(children_.size())},
                                      {"var", var_.root().string()}});
  bool stop = false;
  while (!stop) {
    tick(monotonic_ms());
    publish();
    pollfd item{signal_fd_, POLLIN, 0};
    ::poll(&item, 1, k_tick_ms);
    signalfd_siginfo info;
    while (::read(signal_fd_, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT) stop = true;
      if (info.ssi_signo == SIGHUP) logger_.info("sighup_ignored");
    }
    reap(monotonic_ms());
  }
  logger_.info("supervisor_stopping");
  stop_all();
  if (ready_fd_ >= 0) ::close(ready_fd_);
  ::close(signal_fd_);
  logger_.info("supervisor_stopped");
  return 0;
}

}  // namespace skymesh::launcher
