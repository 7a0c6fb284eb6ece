#include "skymesh/toml/toml.hpp"

namespace skymesh::toml {

const Value* Table::find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

Value* Table::find(std::string_view key) {
  for (auto& entry : entries_) {
    if (entry.first == key) return &entry.second;
  }
  return nullptr;
}

Value* Table::insert(std::string key, Value value) {
  if (contains(key)) return nullptr;
  entries_.emplace_back(std::move(key), std::move(value));
  return &entries_.back().second;
}

std::string_view type_name(Type type) {
  switch (type) {
    case Type::string:
      return "string";
    case Type::integer:
      return "integer";
    case Type::boolean:
      return "boolean";
    case Type::array:
      return "array";
    case Type::table:
      return "table";
  }
  return "unknown";
}

std::string Error::to_string() const {
  if (source.empty()) return "line " + std::to_string(line) + ": " + message;
  if (line == 0) return source + ": " + message;
  return source + ":" + std::to_string(line) + ": " + message;
}

}  // namespace skymesh::toml
