#include "skymesh/bus/log.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace skymesh::bus {
namespace {

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
  }
  return "info";
}

void append_value(std::string& line, std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\\') plain = false;
  }
  if (plain) {
    line += value;
    return;
  }
  line += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') line += '\\';
    line += (c == '\n') ? ' ' : c;
  }
  line += '"';
}

}  // namespace

void Logger::log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) const {
  if (level < min_level_) return;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  char ts[32];
  std::snprintf(ts, sizeof ts, "%.3f", std::chrono::duration<double>(now).count());
  std::string line = "ts=";
  line += ts;
  line += " level=";
  line += level_name(level);
  line += " serverlet=";
  append_value(line, serverlet_);
  line += " event=";
  append_value(line, event);
  for (const auto& field : fields) {
    line += ' ';
    line += field.key;
    line += '=';
    append_value(line, field.value);
  }
  line += '\n';
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

LogLevel log_level_from_name(std::string_view name) {
  if (name == "debug") return LogLevel::debug;
  if (name == "warn") return LogLevel::warn;
  if (name == "error") return LogLevel::error;
  return LogLevel::info;
}

}  // namespace skymesh::bus
