#include "report.hpp"

#include <cstdio>

#include "process.hpp"

namespace skymesh::launcher {
namespace {

constexpr size_t k_failing_lines = 8;

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

std::string uptime(int64_t started_ms) {
  if (started_ms <= 0) return "-";
  int64_t seconds = (unix_ms() - started_ms) / 1000;
  if (seconds < 0) seconds = 0;
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%llds", static_cast<long long>(seconds));
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof text, "%lldm%02llds", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
  } else {
    std::snprintf(text, sizeof text, "%lldh%02lldm", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60));
  }
  return text;
}

void print_last_lines(const VarLayout& layout, const Display& display, const std::string& name, FILE* out) {
  std::fprintf(out, "    last lines of %s:\n", display.path(layout, layout.log(name)).c_str());
  for (const std::string& line : tail_lines(layout.log(name), k_failing_lines)) {
    std::fprintf(out, "    | %s\n", line.c_str());
  }
}

VarLayout layout_of(const Display& display) {
  return VarLayout(std::filesystem::absolute(display.var).lexically_normal());
}

}  // namespace

std::string Display::path(const VarLayout& layout, const std::filesystem::path& file) const {
  const std::filesystem::path relative = file.lexically_relative(layout.root());
  if (relative.empty() || relative.begin()->string() == "..") return file.string();
  return (std::filesystem::path(var) / relative).string();
}

std::string Display::bin(const std::string& program) const {
  const std::filesystem::path full = bin_dir / program;
  const std::filesystem::path relative = full.lexically_relative(std::filesystem::current_path());
  if (relative.empty() || relative.begin()->string() == "..") return full.string();
  return relative.string();
}

std::string shell_quote(const std::string& word) {
  bool plain = !word.empty();
  for (char c : word) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("._-/:=@,+%").find(c) != std::string_view::npos;
    plain = plain && safe;
  }
  if (plain) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int print_up_report(const MeshState& state, const MeshConfig& config, const Display& display) {
  const VarLayout layout = layout_of(display);
  std::printf("skymesh: supervisor pid %lld, log %s\n", static_cast<long long>(state.supervisor_pid),
              display.path(layout, layout.supervisor_log()).c_str());
  std::vector<std::string> failed;
  for (const ServerletStatus& s : state.serverlets) {
    if (s.state == "skipped") {
      std::printf("  %-10s skipped: %s\n", s.name.c_str(), s.message.c_str());
    } else if (s.state == "running") {
      std::printf("  %-10s listening on %s  (log %s)\n", s.name.c_str(), joined(s.endpoints).c_str(),
                  display.path(layout, layout.log(s.name)).c_str());
    } else {
      failed.push_back(s.name);
      const std::string why = s.state == "failing" ? s.message : s.state + ": no `listening` line yet";
      std::printf("  %-10s FAILED (%s) %s\n", s.name.c_str(), s.state.c_str(), why.c_str());
      print_last_lines(layout, display, s.name, stdout);
    }
  }
  std::printf("\ntry:\n");
  for (const ServerletEntry& entry : config.serverlets) {
    for (const ServerletStatus& s : state.serverlets) {
      if (s.name != entry.name || s.state != "running" || s.endpoints.empty()) continue;
      std::string command = display.bin("meshctl") + " --connect " + s.endpoints.front();
      if (s.curve) {
        command += " --key " + display.path(layout, layout.client_key()) + " --server-key " +
                   display.path(layout, layout.public_key(s.name));
      }
      const std::vector<std::string> args = entry.try_args.empty() ? std::vector<std::string>{"info"} : entry.try_args;
      for (const std::string& arg : args) command += " " + shell_quote(arg);
      std::printf("  %s\n", command.c_str());
    }
  }
  const std::string skymesh = display.bin("skymesh");
  std::printf("status: %s status%s\nlogs:   %s logs NAME%s [--follow]\nstop:   %s down%s\n", skymesh.c_str(),
              display.var_flag.c_str(), skymesh.c_str(), display.var_flag.c_str(), skymesh.c_str(),
              display.var_flag.c_str());
  if (failed.empty()) return 0;
  std::fprintf(stderr, "skymesh up: %s did not start: %s\n", failed.size() == 1 ? "a serverlet" : "serverlets",
               joined(failed).c_str());
  return 1;
}

void print_status_table(const MeshState& state, const std::vector<std::optional<Health>>& health,
                        const Display& display) {
  const VarLayout layout = layout_of(display);
  std::printf("%-10s %-10s %-8s %-8s %-8s %-24s %s\n", "NAME", "STATE", "PID", "RESTARTS", "UPTIME", "ENDPOINT",
              "HEALTH");
  for (size_t i = 0; i < state.serverlets.size(); ++i) {
    const ServerletStatus& s = state.serverlets[i];
    std::string verdict = "-";
    if (i < health.size() && health[i]) {
      char text[64];
      std::snprintf(text, sizeof text, "ok (ping %.1f ms)", health[i]->round_trip_ms);
      verdict = health[i]->ok ? std::string(text) : "unhealthy: " + health[i]->error;
    } else if (s.state == "skipped") {
      verdict = s.message;
    }
    std::printf("%-10s %-10s %-8s %-8lld %-8s %-24s %s\n", s.name.c_str(), s.state.c_str(),
                s.pid ? std::to_string(s.pid).c_str() : "-", static_cast<long long>(s.restarts),
                uptime(s.started_ms).c_str(), joined(s.endpoints).c_str(), verdict.c_str());
  }
  for (const ServerletStatus& s : state.serverlets) {
    if (s.state != "failing") continue;
    std::printf("\n%s is failing: %s\n", s.name.c_str(), s.message.c_str());
    print_last_lines(layout, display, s.name, stdout);
  }
}

}  // namespace skymesh::launcher
