#include "scanner.hpp"

#include <cstdio>
#include <limits>

namespace skymesh::toml {
namespace {

bool is_bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int digit_value(char c, int base) {
  int value = -1;
  if (c >= '0' && c <= '9') value = c - '0';
  if (c >= 'a' && c <= 'f') value = c - 'a' + 10;
  if (c >= 'A' && c <= 'F') value = c - 'A' + 10;
  return value < base ? value : -1;
}

void append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

}  // namespace

std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte < 0x20 || byte == 0x7F) {
    char text[16];
    std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(byte));
    return text;
  }
  return std::string("`") + c + "`";
}

bool Scanner::forbidden_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t') || byte == 0x7F;
}

void Scanner::skip_blanks() {
  while (peek() == ' ' || peek() == '\t') advance();
}

bool Scanner::take_newline() {
  if (peek() == '\n') {
    advance();
  } else if (peek() == '\r' && peek(1) == '\n') {
    advance(2);
  } else {
    return false;
  }
  ++line_;
  return true;
}

void Scanner::skip_comment() {
  advance();  // '#'
  while (!at_end() && peek() != '\n' && !(peek() == '\r' && peek(1) == '\n')) {
    if (forbidden_control(peek())) fail("control character " + describe_char(peek()) + " in a comment");
    advance();
  }
}

void Scanner::expect_line_end() {
  skip_blanks();
  if (peek() == '#') skip_comment();
  if (at_end() || take_newline()) return;
  fail("unexpected " + describe_char(peek()) + " where the line should end");
}

void Scanner::skip_blank_lines() {
  for (;;) {
    skip_blanks();
    if (peek() == '#') skip_comment();
    if (!take_newline()) return;
  }
}

std::string Scanner::simple_key() {
  if (peek() == '"') return basic_string();
  if (peek() == '\'') return literal_string();
  std::string key;
  while (is_bare_key_char(peek())) {
    key += peek();
    advance();
  }
  if (key.empty()) {
    if (at_end() || peek() == '\n' || peek() == '\r') fail("expected a key, found the end of the line");
    fail("expected a key, found " + describe_char(peek()));
  }
  return key;
}

void Scanner::append_escape(std::string& out) {
  const char kind = peek();
  advance();
  switch (kind) {
    case 'b':
      out += '\b';
      return;
    case 't':
      out += '\t';
      return;
    case 'n':
      out += '\n';
      return;
    case 'f':
      out += '\f';
      return;
    case 'r':
      out += '\r';
      return;
    case '"':
      out += '"';
      return;
    case '\\':
      out += '\\';
      return;
    case 'u':
    case 'U': {
      const int digits = kind == 'u' ? 4 : 8;
      uint32_t code = 0;
      for (int i = 0; i < digits; ++i) {
        const int value = digit_value(peek(), 16);
        if (value < 0) fail(std::string("\\") + kind + " needs " + std::to_string(digits) + " hex digits");
        code = code * 16 + static_cast<uint32_t>(value);
        advance();
      }
      if (code == 0 || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
        fail("\\" + std::string(1, kind) + " escape is not a Unicode scalar value this reader accepts");
      }
      append_utf8(out, code);
      return;
    }
    default:
      if (kind == '\0' || kind == '\n' || kind == '\r') fail("unterminated string (it needs a closing \")");
      fail("unknown escape \\" + std::string(1, kind) + " in a string");
  }
}

std::string Scanner::basic_string() {
  if (peek(1) == '"' && peek(2) == '"') fail("multi-line strings (\"\"\") are not supported");
  advance();  // opening quote
  std::string out;
  for (;;) {
    const char c = peek();
    if (at_end() || c == '\n' || c == '\r') fail("unterminated string (it needs a closing \")");
    advance();
    if (c == '"') return out;
    if (c == '\\') {
      append_escape(out);
      continue;
    }
    if (forbidden_control(c)) fail("control character " + describe_char(c) + " in a string (escape it)");
    out += c;
  }
}

std::string Scanner::literal_string() {
  if (peek(1) == '\'' && peek(2) == '\'') fail("multi-line literal strings (''') are not supported");
  advance();  // opening quote
  std::string out;
  for (;;) {
    const char c = peek();
    if (at_end() || c == '\n' || c == '\r') fail("unterminated literal string (it needs a closing ')");
    advance();
    if (c == '\'') return out;
    if (forbidden_control(c)) fail("control character " + describe_char(c) + " in a literal string");
    out += c;
  }
}

int64_t Scanner::integer() {
  bool negative = false;
  const bool signed_number = peek() == '+' || peek() == '-';
  if (signed_number) {
    negative = peek() == '-';
    advance();
  }
  if (peek() == 'i' || peek() == 'n') fail("floats (inf, nan) are not supported");
  int base = 10;
  if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'o' || peek(1) == 'b')) {
    if (signed_number) fail("a hexadecimal, octal or binary integer cannot carry a sign");
    base = peek(1) == 'x' ? 16 : peek(1) == 'o' ? 8 : 2;
    advance(2);
  }
  if (digit_value(peek(), base) < 0) fail("expected a digit, found " + describe_char(peek()));
  if (base == 10 && peek() == '0' && (digit_value(peek(1), 10) >= 0 || peek(1) == '_')) {
    fail("leading zeros are not allowed in a decimal integer");
  }
  // Accumulate as a negative number so INT64_MIN is reachable.
  constexpr int64_t k_min = std::numeric_limits<int64_t>::min();
  int64_t value = 0;
  bool previous_digit = false;
  for (;;) {
    const char c = peek();
    if (c == '_') {
      if (!previous_digit || digit_value(peek(1), base) < 0) fail("`_` in an integer must sit between two digits");
      previous_digit = false;
      advance();
      continue;
    }
    const int digit = digit_value(c, base);
    if (digit < 0) break;
    if (value < (k_min + digit) / base) fail("integer out of range (64-bit signed)");
    value = value * base - digit;
    previous_digit = true;
    advance();
  }
  const char next = peek();
  if (base == 10 && (next == '.' || next == 'e' || next == 'E')) fail("floats are not supported");
  if (base == 10 && (next == '-' || next == ':')) fail("dates and times are not supported");
  if (digit_value(next, 16) >= 0 || (next >= 'g' && next <= 'z') || (next >= 'G' && next <= 'Z')) {
    fail("unexpected " + describe_char(next) + " in an integer");
  }
  if (negative) return value;
  if (value == k_min) fail("integer out of range (64-bit signed)");
  return -value;
}

bool Scanner::boolean() {
  const std::string_view rest = text_.substr(pos_);
  bool result;
  size_t length;
  if (rest.substr(0, 4) == "true") {
    result = true;
    length = 4;
  } else if (rest.substr(0, 5) == "false") {
    result = false;
    length = 5;
  } else {
    fail("expected a value (a string, integer, boolean or array)");
  }
  if (is_bare_key_char(peek(length))) fail("expected a value (a string, integer, boolean or array)");
  advance(length);
  return result;
}

}  // namespace skymesh::toml
