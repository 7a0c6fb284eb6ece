// The structure level of the TOML reader: sections, keys and where each value goes, with TOML's rules against
// defining a key or table twice.
#include <fstream>
#include <sstream>
#include <vector>

#include "scanner.hpp"
#include "skymesh/toml/toml.hpp"

namespace skymesh::toml {

class Parser {
 public:
  explicit Parser(std::string_view text) : scanner_(text) {}

  Table run() {
    current_ = &root_;
    for (;;) {
      scanner_.skip_blanks();
      if (scanner_.at_end()) break;
      if (scanner_.take_newline()) continue;
      if (scanner_.peek() == '#') {
        scanner_.skip_comment();
        continue;
      }
      if (scanner_.peek() == '[') {
        header();
      } else {
        key_value();
      }
      scanner_.expect_line_end();
    }
    return std::move(root_);
  }

 private:
  // `a.b."c d"`: the parts of a dotted key, blanks allowed around the dots.
  std::vector<std::string> dotted_key() {
    std::vector<std::string> parts{scanner_.simple_key()};
    for (;;) {
      scanner_.skip_blanks();
      if (scanner_.peek() != '.') return parts;
      scanner_.advance();
      scanner_.skip_blanks();
      parts.push_back(scanner_.simple_key());
    }
  }

  static std::string join(const std::vector<std::string>& parts, size_t count) {
    std::string out;
    for (size_t i = 0; i < count; ++i) out += (i ? "." : "") + parts[i];
    return out;
  }

  // "a string", "an integer", ... for messages.
  static std::string a_type(Type type) {
    const std::string name(type_name(type));
    return (type == Type::integer || type == Type::array ? "an " : "a ") + name;
  }

  std::string where(const Value& value) const {
    return value.line() > 0 ? " (line " + std::to_string(value.line()) + ")" : "";
  }

  // Walks from the root through every part but the last of a [header], creating missing tables. An array of
  // tables is entered at its last element.
  Table& header_parent(const std::vector<std::string>& parts) {
    Table* table = &root_;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      Value* child = table->find(parts[i]);
      if (!child) child = table->insert(parts[i], Value(Table(), scanner_.line()));
      if (Table* next = child->as_table()) {
        table = next;
      } else if (child->is_table_array()) {
        table = child->as_array()->back().as_table();
      } else {
        scanner_.fail("`" + join(parts, i + 1) + "` is already " + a_type(child->type()) + where(*child) +
                      ", not a table");
      }
    }
    return *table;
  }

  void header() {
    scanner_.advance();  // '['
    const bool array_of_tables = scanner_.peek() == '[';
    if (array_of_tables) scanner_.advance();
    scanner_.skip_blanks();
    const std::vector<std::string> parts = dotted_key();
    const std::string name = join(parts, parts.size());
    if (scanner_.peek() != ']' || (array_of_tables && scanner_.peek(1) != ']')) {
      scanner_.fail(std::string("expected `") + (array_of_tables ? "]]" : "]") + "` to close the header [" + name);
    }
    scanner_.advance(array_of_tables ? 2 : 1);
    Table& parent = header_parent(parts);
    Value* existing = parent.find(parts.back());
    if (array_of_tables) {
      if (!existing) {
        existing = parent.insert(parts.back(), Value(Array(), scanner_.line()));
        existing->table_array_ = true;
      } else if (!existing->is_table_array()) {
        scanner_.fail("[[" + name + "]]: `" + name + "` is already " + a_type(existing->type()) + where(*existing) +
                      ", not an array of tables");
      }
      Array& array = *existing->as_array();
      array.emplace_back(Table(), scanner_.line());
      current_ = array.back().as_table();
      current_->defined_by_header_ = true;
      return;
    }
    if (!existing) {
      existing = parent.insert(parts.back(), Value(Table(), scanner_.line()));
    } else if (existing->is_table_array()) {
      scanner_.fail("[" + name + "]: `" + name + "` is an array of tables" + where(*existing) + "; use [[" + name +
                    "]] to add an element");
    } else if (!existing->as_table()) {
      scanner_.fail("[" + name + "]: `" + name + "` is already " + a_type(existing->type()) + where(*existing));
    } else if (existing->as_table()->defined_by_header_) {
      scanner_.fail("duplicate table [" + name + "]" + where(*existing));
    } else if (existing->as_table()->defined_by_dotted_) {
      scanner_.fail("[" + name + "]: table `" + name + "` was already defined by dotted keys" + where(*existing));
    }
    current_ = existing->as_table();
    current_->defined_by_header_ = true;
  }

  Value value() {
    const int line = scanner_.line();
    const char c = scanner_.peek();
    if (c == '"') return Value(scanner_.basic_string(), line);
    if (c == '\'') return Value(scanner_.literal_string(), line);
    if (c == 't' || c == 'f') return Value(scanner_.boolean(), line);
    if (c == '[') return Value(array(), line);
    if (c == '{') scanner_.fail("inline tables ({...}) are not supported; use a [table] section");
    if (c == '+' || c == '-' || (c >= '0' && c <= '9') || scanner_.starts_with("inf") || scanner_.starts_with("nan")) {
      return Value(scanner_.integer(), line);
    }
    if (scanner_.at_end() || c == '\n' || c == '\r' || c == '#') scanner_.fail("expected a value after `=`");
    scanner_.fail("expected a value (a string, integer, boolean or array), found " + describe_char(c));
  }

  Array array() {
    const int opened = scanner_.line();
    scanner_.advance();  // '['
    Array items;
    for (;;) {
      scanner_.skip_blank_lines();
      if (scanner_.at_end()) break;
      if (scanner_.peek() == ']') {
        scanner_.advance();
        return items;
      }
      items.push_back(value());
      scanner_.skip_blank_lines();
      if (scanner_.peek() == ',') {
        scanner_.advance();
      } else if (scanner_.peek() != ']') {
        if (scanner_.at_end()) break;
        scanner_.fail("expected `,` or `]` in the array opened on line " + std::to_string(opened) + ", found " +
                      describe_char(scanner_.peek()));
      }
    }
    scanner_.fail("unterminated array opened on line " + std::to_string(opened) + " (it needs a closing `]`)");
  }

  void key_value() {
    const int line = scanner_.line();
    const std::vector<std::string> parts = dotted_key();
    const std::string name = join(parts, parts.size());
    scanner_.skip_blanks();
    if (scanner_.peek() != '=') {
      if (scanner_.at_end() || scanner_.peek() == '\n' || scanner_.peek() == '\r') {
        scanner_.fail("expected `=` after the key `" + name + "`");
      }
      scanner_.fail("expected `=` after the key `" + name + "`, found " + describe_char(scanner_.peek()));
    }
    scanner_.advance();
    scanner_.skip_blanks();
    Value parsed = value();
    // A dotted key defines (or extends) tables made by dotted keys only.
    Table* table = current_;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      Value* child = table->find(parts[i]);
      if (!child) {
        child = table->insert(parts[i], Value(Table(), line));
        child->as_table()->defined_by_dotted_ = true;
      }
      Table* next = child->as_table();
      if (!next) {
        scanner_.fail("cannot set `" + name + "`: `" + join(parts, i + 1) + "` is already " + a_type(child->type()) +
                      where(*child));
      }
      if (!next->defined_by_dotted_) {
        scanner_.fail("cannot set `" + name + "`: table `" + join(parts, i + 1) + "` belongs to a [header]" +
                      where(*child) + "; set its keys in that section");
      }
      table = next;
    }
    if (const Value* existing = table->find(parts.back())) {
      scanner_.fail("duplicate key `" + name + "` (first defined on line " + std::to_string(existing->line()) + ")");
    }
    table->insert(parts.back(), std::move(parsed));
  }

  Scanner scanner_;
  Table root_;
  Table* current_ = nullptr;
};

ParseResult parse(std::string_view text, std::string source) {
  try {
    Parser parser(text);
    return parser.run();
  } catch (const SyntaxError& error) {
    return Error{std::move(source), error.line, error.message};
  }
}

ParseResult parse_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string(), 0, "cannot read the file"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{path.string(), 0, "reading the file failed"};
  return parse(text.str(), path.string());
}

}  // namespace skymesh::toml
