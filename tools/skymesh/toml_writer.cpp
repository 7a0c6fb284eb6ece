#include "toml_writer.hpp"

#include <cstdio>

namespace skymesh::launcher {
namespace {

bool bare_key(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

std::string key_text(const std::string& key) {
  return bare_key(key) ? key : toml_quote(key);
}

std::string inline_value(const toml::Value& value) {
  switch (value.type()) {
    case toml::Type::string:
      return toml_quote(*value.as_string());
    case toml::Type::integer:
      return std::to_string(*value.as_integer());
    case toml::Type::boolean:
      return *value.as_boolean() ? "true" : "false";
    case toml::Type::array: {
      std::string out = "[";
      for (const toml::Value& item : *value.as_array()) out += (out.size() > 1 ? ", " : "") + inline_value(item);
      return out + "]";
    }
    case toml::Type::table:
      break;  // written as a section by to_toml
  }
  return "\"\"";
}

}  // namespace

std::string toml_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(byte));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string to_toml(const toml::Table& table, const std::string& prefix) {
  std::string out;
  for (const auto& [key, value] : table.entries()) {
    if (value.as_table() || value.is_table_array()) continue;
    out += key_text(key) + " = " + inline_value(value) + "\n";
  }
  for (const auto& [key, value] : table.entries()) {
    const std::string path = prefix.empty() ? key_text(key) : prefix + "." + key_text(key);
    if (const toml::Table* child = value.as_table()) {
      out += "\n[" + path + "]\n" + to_toml(*child, path);
    } else if (value.is_table_array()) {
      for (const toml::Value& item : *value.as_array()) out += "\n[[" + path + "]]\n" + to_toml(*item.as_table(), path);
    }
  }
  return out;
}

}  // namespace skymesh::launcher
