// A strict reader for the subset of TOML (v1.0) that skymesh's files use: deploy/mesh.toml, serverlet config
// files (flat `key = value`) and Skycoin's fiber.toml. Supported: comments, [table], [[array of tables]], dotted
// and quoted keys, basic strings (with escapes) and literal strings, integers (decimal with `_`, 0x/0o/0b),
// booleans, and arrays (multi-line, with comments and a trailing comma). Anything else TOML has (floats, dates,
// multi-line strings, inline tables) is refused with an error naming the line: never silently misread.
//
// Errors are values: parse() returns a ParseResult holding either the root table or an Error whose message
// names the line and what is wrong ("mesh.toml:12: duplicate key `listen` (first on line 4)").
#pragma once

#include <cstdint>
#include <filesystem>
#include <list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace skymesh::toml {

class Value;
using Array = std::vector<Value>;

// A table keeps its keys in the order the document defines them.
class Table {
 public:
  using Entry = std::pair<std::string, Value>;

  // The value under `key`, nullptr when absent.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Adds `key`; returns the stored value, or nullptr (and changes nothing) when the key is already present.
  Value* insert(std::string key, Value value);

  const std::list<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

 private:
  friend class Parser;
  // A list: a stored value never moves while the parser adds keys around it.
  std::list<Entry> entries_;
  // How the parser came to create this table (TOML forbids defining a table twice in different ways).
  bool defined_by_header_ = false;  // named by a [header]
  bool defined_by_dotted_ = false;  // created by a dotted key such as `a.b = 1`
};

enum class Type { string, integer, boolean, array, table };
// "string", "integer", "boolean", "array", "table".
std::string_view type_name(Type type);

class Value {
 public:
  explicit Value(std::string text, int line = 0) : data_(std::move(text)), line_(line) {}
  explicit Value(int64_t number, int line = 0) : data_(number), line_(line) {}
  explicit Value(bool flag, int line = 0) : data_(flag), line_(line) {}
  explicit Value(Array array, int line = 0) : data_(std::move(array)), line_(line) {}
  explicit Value(Table table, int line = 0) : data_(std::move(table)), line_(line) {}
  Value(const char*, int = 0) = delete;  // would silently become a bool

  Type type() const { return static_cast<Type>(data_.index()); }
  // The line that defined this value (1-based; 0 for a value not read from a document).
  int line() const { return line_; }
  // True for an array made by [[header]] sections (each element a table).
  bool is_table_array() const { return table_array_; }

  // The value as one type; nullptr when it holds another.
  const std::string* as_string() const { return std::get_if<std::string>(&data_); }
  const int64_t* as_integer() const { return std::get_if<int64_t>(&data_); }
  const bool* as_boolean() const { return std::get_if<bool>(&data_); }
  const Array* as_array() const { return std::get_if<Array>(&data_); }
  const Table* as_table() const { return std::get_if<Table>(&data_); }
  Array* as_array() { return std::get_if<Array>(&data_); }
  Table* as_table() { return std::get_if<Table>(&data_); }

 private:
  friend class Parser;
  // Index order matches Type.
  std::variant<std::string, int64_t, bool, Array, Table> data_;
  int line_ = 0;
  bool table_array_ = false;
};

struct Error {
  std::string source;  // file name, or empty for text parsed from memory
  int line = 0;        // 1-based; 0 when the whole input is at fault (an unreadable file)
  std::string message;
  // "SOURCE:LINE: MESSAGE", "line LINE: MESSAGE" without a source, or "SOURCE: MESSAGE" without a line.
  std::string to_string() const;
};

class [[nodiscard]] ParseResult {
 public:
  ParseResult(Table table) : state_(std::move(table)) {}
  ParseResult(Error error) : state_(std::move(error)) {}

  bool ok() const { return std::holds_alternative<Table>(state_); }
  // Precondition: ok().
  const Table& table() const& { return std::get<Table>(state_); }
  Table&& table() && { return std::get<Table>(std::move(state_)); }
  // Precondition: !ok().
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<Table, Error> state_;
};

// Parses a whole document. `source` only names the input in error messages.
ParseResult parse(std::string_view text, std::string source = {});
// Reads and parses a file; an unreadable file is an Error with line 0.
ParseResult parse_file(const std::filesystem::path& path);

}  // namespace skymesh::toml
