// The character level of the TOML reader: a cursor over the document that counts lines, and the readers of
// keys and scalar values (strings, integers, booleans). Private to skymesh_toml.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skymesh::toml {

// Thrown inside the reader only; parse() turns it into an Error. Never leaves the library.
struct SyntaxError {
  int line;
  std::string message;
};

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  // The current character, or '\0' at the end.
  char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  void advance(size_t count = 1) { pos_ += count; }
  bool starts_with(std::string_view word) const { return text_.substr(pos_).substr(0, word.size()) == word; }
  int line() const { return line_; }
  [[noreturn]] void fail(std::string message) const { throw SyntaxError{line_, std::move(message)}; }

  // Skips spaces and tabs.
  void skip_blanks();
  // At a newline ("\n" or "\r\n"): consumes it and counts the line; false elsewhere.
  bool take_newline();
  // At '#': consumes the comment up to (not including) the newline, refusing control characters.
  void skip_comment();
  // Blanks, an optional comment, then a newline or the end: the only things allowed after a value or header.
  void expect_line_end();
  // Blanks, comments and newlines (inside an array).
  void skip_blank_lines();

  // One key part: a bare key (A-Z a-z 0-9 _ -), a basic string or a literal string.
  std::string simple_key();
  // A "basic string" with escapes, or a 'literal string'; the cursor is on the opening quote.
  std::string basic_string();
  std::string literal_string();
  // An integer (decimal with `_` separators, or 0x / 0o / 0b); refuses floats and dates by name.
  int64_t integer();
  // `true` or `false`.
  bool boolean();

 private:
  // A character that may not appear in strings or comments (control characters other than tab).
  static bool forbidden_control(char c);
  void append_escape(std::string& out);

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

// A short printable rendering of one character for messages: `x`, or U+000D for a control character.
std::string describe_char(char c);

}  // namespace skymesh::toml
