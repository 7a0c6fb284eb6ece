#include "state_file.hpp"

#include <fstream>

#include "skymesh/toml/toml.hpp"
#include "toml_writer.hpp"

namespace skymesh::launcher {
namespace {

std::string string_at(const toml::Table& table, const char* key) {
  const toml::Value* value = table.find(key);
  return value && value->as_string() ? *value->as_string() : std::string();
}

int64_t integer_at(const toml::Table& table, const char* key) {
  const toml::Value* value = table.find(key);
  return value && value->as_integer() ? *value->as_integer() : 0;
}

bool boolean_at(const toml::Table& table, const char* key) {
  const toml::Value* value = table.find(key);
  return value && value->as_boolean() && *value->as_boolean();
}

}  // namespace

bus::Status write_state(const std::filesystem::path& path, const MeshState& state) {
  std::string text = "# skymesh supervisor state: rewritten on every change, read by `skymesh status`\n";
  text += "supervisor_pid = " + std::to_string(state.supervisor_pid) + "\n";
  text += std::string("ready = ") + (state.ready ? "true" : "false") + "\n";
  for (const ServerletStatus& s : state.serverlets) {
    text += "\n[[serverlet]]\nname = " + toml_quote(s.name) + "\nstate = " + toml_quote(s.state) +
            "\npid = " + std::to_string(s.pid) + "\nrestarts = " + std::to_string(s.restarts) +
            "\nstarted_ms = " + std::to_string(s.started_ms) + "\nendpoints = [";
    for (size_t i = 0; i < s.endpoints.size(); ++i) text += (i ? ", " : "") + toml_quote(s.endpoints[i]);
    text += std::string("]\ncurve = ") + (s.curve ? "true" : "false") +
            "\nlistening = " + (s.listening ? "true" : "false") + "\nmessage = " + toml_quote(s.message) + "\n";
  }
  const std::filesystem::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    if (!out.flush()) return bus::Status(bus::ErrorCode::storage, "cannot write " + temp.string());
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) return bus::Status(bus::ErrorCode::storage, "cannot rename " + temp.string() + ": " + error.message());
  return bus::Status();
}

bus::Result<MeshState> read_state(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) return bus::Status(bus::ErrorCode::not_found, "no " + path.string());
  auto parsed = toml::parse_file(path);
  if (!parsed.ok()) return bus::Status(bus::ErrorCode::bad_request, parsed.error().to_string());
  const toml::Table& root = parsed.table();
  MeshState state;
  state.supervisor_pid = integer_at(root, "supervisor_pid");
  state.ready = boolean_at(root, "ready");
  if (const toml::Value* list = root.find("serverlet"); list && list->is_table_array()) {
    for (const toml::Value& item : *list->as_array()) {
      const toml::Table& t = *item.as_table();
      ServerletStatus s;
      s.name = string_at(t, "name");
      s.state = string_at(t, "state");
      s.pid = integer_at(t, "pid");
      s.restarts = integer_at(t, "restarts");
      s.started_ms = integer_at(t, "started_ms");
      if (const toml::Value* endpoints = t.find("endpoints"); endpoints && endpoints->as_array()) {
        for (const toml::Value& endpoint : *endpoints->as_array()) {
          if (endpoint.as_string()) s.endpoints.push_back(*endpoint.as_string());
        }
      }
      s.curve = boolean_at(t, "curve");
      s.listening = boolean_at(t, "listening");
      s.message = string_at(t, "message");
      state.serverlets.push_back(std::move(s));
    }
  }
  return state;
}

}  // namespace skymesh::launcher
