#include "mesh_config.hpp"

#include <fstream>
#include <set>
#include <sstream>

namespace skymesh::launcher {
namespace {

using bus::ErrorCode;
using bus::Status;

// Typed reads of one table with errors that name the source, line and key; unknown keys are refused.
class Reader {
 public:
  Reader(const std::string& source, const toml::Table& table, std::string where, int line)
      : source_(source), table_(table), where_(std::move(where)), line_(line) {}

  Status string(const std::string& key, std::string& out) {
    const toml::Value* value = take(key);
    if (!value) return Status();
    if (!value->as_string()) return wrong_type(key, *value, "a string");
    out = *value->as_string();
    return Status();
  }
  Status boolean(const std::string& key, bool& out) {
    const toml::Value* value = take(key);
    if (!value) return Status();
    if (!value->as_boolean()) return wrong_type(key, *value, "true or false");
    out = *value->as_boolean();
    return Status();
  }
  Status milliseconds(const std::string& key, int64_t scale, std::chrono::milliseconds& out) {
    const toml::Value* value = take(key);
    if (!value) return Status();
    if (!value->as_integer() || *value->as_integer() < 0 || *value->as_integer() > 86400000 / scale) {
      return wrong_type(key, *value, "a non-negative integer");
    }
    out = std::chrono::milliseconds(*value->as_integer() * scale);
    return Status();
  }
  Status bytes(const std::string& key, int64_t& out) {
    const toml::Value* value = take(key);
    if (!value) return Status();
    if (!value->as_integer() || *value->as_integer() < 1024) return wrong_type(key, *value, "an integer >= 1024");
    out = *value->as_integer();
    return Status();
  }
  Status count(const std::string& key, int& out) {
    const toml::Value* value = take(key);
    if (!value) return Status();
    if (!value->as_integer() || *value->as_integer() < 1 || *value->as_integer() > 1000) {
      return wrong_type(key, *value, "an integer from 1 to 1000");
    }
    out = static_cast<int>(*value->as_integer());
    return Status();
  }
  // A string or an array of strings.
  Status strings(const std::string& key, std::vector<std::string>& out, bool single_allowed) {
    const toml::Value* value = take(key);
    if (!value) return Status();
    const char* expected = single_allowed ? "a string or an array of strings" : "an array of strings";
    if (single_allowed && value->as_string()) {
      out = {*value->as_string()};
      return Status();
    }
    if (!value->as_array()) return wrong_type(key, *value, expected);
    out.clear();
    for (const toml::Value& item : *value->as_array()) {
      if (!item.as_string()) return wrong_type(key, item, expected);
      out.push_back(*item.as_string());
    }
    return Status();
  }
  // After every read: a key nobody asked for is a typo worth an error.
  Status no_unknown_keys() const {
    for (const auto& [key, value] : table_.entries()) {
      if (!known_.count(key)) {
        return fail(value.line(), "unknown key `" + key + "` in " + where_ + " (docs/launcher.md lists the keys)");
      }
    }
    return Status();
  }
  Status fail(int line, const std::string& message) const {
    return Status(ErrorCode::bad_request, source_ + ":" + std::to_string(line > 0 ? line : line_) + ": " + message);
  }

 private:
  const toml::Value* take(const std::string& key) {
    known_.insert(key);
    return table_.find(key);
  }
  Status wrong_type(const std::string& key, const toml::Value& value, const char* expected) const {
    return fail(value.line(), "`" + key + "` in " + where_ + " must be " + expected);
  }

  const std::string& source_;
  const toml::Table& table_;
  std::string where_;
  int line_;
  std::set<std::string> known_;
};

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

Status read_mesh(const std::string& source, const toml::Table& table, int line, MeshConfig& config) {
  Reader reader(source, table, "[mesh]", line);
  if (Status s = reader.string("registry", config.registry); !s.ok()) return s;
  if (Status s = reader.boolean("curve", config.curve); !s.ok()) return s;
  return reader.no_unknown_keys();
}

Status read_policy(const std::string& source, const toml::Table& table, int line, SupervisorPolicy& policy) {
  Reader reader(source, table, "[supervisor]", line);
  if (Status s = reader.milliseconds("backoff_initial_ms", 1, policy.backoff_initial); !s.ok()) return s;
  if (Status s = reader.milliseconds("backoff_max_ms", 1, policy.backoff_max); !s.ok()) return s;
  if (Status s = reader.milliseconds("stable_after_ms", 1, policy.stable_after); !s.ok()) return s;
  if (Status s = reader.count("failing_exits", policy.failing_exits); !s.ok()) return s;
  if (Status s = reader.milliseconds("failing_window_ms", 1, policy.failing_window); !s.ok()) return s;
  if (Status s = reader.milliseconds("start_timeout_ms", 1, policy.start_timeout); !s.ok()) return s;
  if (Status s = reader.milliseconds("stop_grace_ms", 1, policy.stop_grace); !s.ok()) return s;
  if (Status s = reader.bytes("log_max_bytes", policy.log_max_bytes); !s.ok()) return s;
  if (Status s = reader.count("log_keep", policy.log_keep); !s.ok()) return s;
  if (policy.backoff_max < policy.backoff_initial) {
    return reader.fail(line, "backoff_max_ms must not be below backoff_initial_ms");
  }
  return reader.no_unknown_keys();
}

Status read_serverlet(const std::string& source, const toml::Value& value, bool default_curve, ServerletEntry& entry) {
  entry.line = value.line();
  Reader reader(source, *value.as_table(), "[[serverlet]] (line " + std::to_string(value.line()) + ")", value.line());
  entry.curve = default_curve;
  if (Status s = reader.string("name", entry.name); !s.ok()) return s;
  if (!valid_name(entry.name)) {
    return reader.fail(value.line(),
                       "[[serverlet]] needs a `name` of a-z, 0-9, `-` or `_` (got \"" + entry.name + "\")");
  }
  entry.program = entry.name;
  entry.data = entry.name;
  if (Status s = reader.string("program", entry.program); !s.ok()) return s;
  if (!valid_name(entry.program)) return reader.fail(value.line(), "`program` of " + entry.name + " is not a name");
  if (Status s = reader.strings("listen", entry.listen, true); !s.ok()) return s;
  if (Status s = reader.string("data", entry.data); !s.ok()) return s;
  if (Status s = reader.boolean("curve", entry.curve); !s.ok()) return s;
  if (Status s = reader.boolean("enabled", entry.enabled); !s.ok()) return s;
  if (Status s = reader.boolean("genesis", entry.genesis); !s.ok()) return s;
  if (Status s = reader.boolean("block_maker", entry.block_maker); !s.ok()) return s;
  if (Status s = reader.strings("flags", entry.flags, false); !s.ok()) return s;
  if (Status s = reader.strings("try", entry.try_args, false); !s.ok()) return s;
  if (Status s = reader.no_unknown_keys(); !s.ok()) return s;
  if (entry.listen.empty()) return reader.fail(value.line(), "serverlet " + entry.name + " needs `listen`");
  return Status();
}

}  // namespace

bus::Result<MeshConfig> parse_mesh_config(std::string_view text, const std::string& source) {
  auto parsed = toml::parse(text, source);
  if (!parsed.ok()) return Status(ErrorCode::bad_request, parsed.error().to_string());
  const toml::Table& root = parsed.table();
  MeshConfig config;
  const toml::Value* mesh = root.find("mesh");
  if (mesh && mesh->as_table()) {
    if (Status s = read_mesh(source, *mesh->as_table(), mesh->line(), config); !s.ok()) return s;
  }
  const toml::Value* supervisor = root.find("supervisor");
  if (supervisor && supervisor->as_table()) {
    if (Status s = read_policy(source, *supervisor->as_table(), supervisor->line(), config.policy); !s.ok()) return s;
  }
  if (const toml::Value* genesis = root.find("genesis"); genesis && genesis->as_table()) {
    config.genesis = *genesis->as_table();
  }
  std::set<std::string> names;
  if (const toml::Value* list = root.find("serverlet"); list && list->is_table_array()) {
    for (const toml::Value& item : *list->as_array()) {
      ServerletEntry entry;
      if (Status s = read_serverlet(source, item, config.curve, entry); !s.ok()) return s;
      if (!names.insert(entry.name).second) {
        return Status(ErrorCode::bad_request,
                      source + ":" + std::to_string(entry.line) + ": a second serverlet named " + entry.name);
      }
      config.serverlets.push_back(std::move(entry));
    }
  }
  // Anything else at the top level is a typo, or a table written where an array of tables belongs.
  for (const auto& [key, value] : root.entries()) {
    const bool table_key = key == "mesh" || key == "supervisor" || key == "genesis";
    if ((table_key && value.as_table()) || (key == "serverlet" && value.is_table_array())) continue;
    std::string hint = key == "serverlet" ? " (write [[serverlet]], one per serverlet)"
                       : table_key        ? " (it must be a [" + key + "] table)"
                                          : " (known: [mesh], [supervisor], [[serverlet]], [genesis])";
    return Status(ErrorCode::bad_request,
                  source + ":" + std::to_string(value.line()) + ": unexpected `" + key + "`" + hint);
  }
  if (config.serverlets.empty()) {
    return Status(ErrorCode::bad_request, source + ": no [[serverlet]] entries: nothing to run");
  }
  return config;
}

bus::Result<MeshConfig> load_mesh_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::not_found, path.string() + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_mesh_config(text.str(), path.string());
}

}  // namespace skymesh::launcher
