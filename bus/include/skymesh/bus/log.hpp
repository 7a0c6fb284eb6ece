// Structured log lines on stderr, one per event: `ts=... level=info serverlet=chain event=block_applied seq=12`.
// Values with spaces or quotes are quoted. Thread-safe (one write(2) per line).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace skymesh::bus {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

struct LogField {
  std::string_view key;
  std::string value;
};

class Logger {
 public:
  explicit Logger(std::string serverlet, LogLevel min_level = LogLevel::info)
      : serverlet_(std::move(serverlet)), min_level_(min_level) {}

  void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {}) const;
  void info(std::string_view event, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::info, event, fields);
  }
  void warn(std::string_view event, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::warn, event, fields);
  }
  void error(std::string_view event, std::initializer_list<LogField> fields = {}) const {
    log(LogLevel::error, event, fields);
  }
  void set_min_level(LogLevel level) { min_level_ = level; }
  const std::string& serverlet() const { return serverlet_; }

 private:
  std::string serverlet_;
  LogLevel min_level_;
};

// Parses "debug", "info", "warn", "error"; info for anything else.
LogLevel log_level_from_name(std::string_view name);

}  // namespace skymesh::bus
