// Writes TOML that skymesh_toml reads back: the supervisor's state file and the [genesis] pass-through.
#pragma once

#include <string>

#include "skymesh/toml/toml.hpp"

namespace skymesh::launcher {

// A basic string with every character the reader would refuse escaped.
std::string toml_quote(const std::string& text);
// A table as a document: plain keys first, then [sub.tables] and [[arrays.of.tables]] under `prefix`.
std::string to_toml(const toml::Table& table, const std::string& prefix = {});

}  // namespace skymesh::launcher
