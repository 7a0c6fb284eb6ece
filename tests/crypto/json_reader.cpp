// Recursive-descent parser behind Json::parse.
#include "json_reader.hpp"

#include <charconv>
#include <stdexcept>

namespace skymesh::test {

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  Json parse_document() {
    Json value = parse_value(0);
    skip_space();
    if (pos_ != text_.size()) fail("trailing characters");
    return value;
  }

 private:
  static constexpr int k_max_depth = 64;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("json: " + what + " at offset " + std::to_string(pos_));
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) {
      ++pos_;
    }
  }

  char peek() {
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end");
    return text_[pos_];
  }

  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  bool take_literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Json parse_value(int depth) {
    if (depth > k_max_depth) fail("nesting too deep");
    Json out;
    char c = peek();
    if (c == '{') {
      out.kind_ = Json::Kind::object;
      ++pos_;
      if (peek() == '}') {
        ++pos_;
        return out;
      }
      while (true) {
        if (peek() != '"') fail("expected a key");
        out.keys_.push_back(parse_string());
        expect(':');
        out.items_.push_back(parse_value(depth + 1));
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect('}');
        return out;
      }
    }
    if (c == '[') {
      out.kind_ = Json::Kind::array;
      ++pos_;
      if (peek() == ']') {
        ++pos_;
        return out;
      }
      while (true) {
        out.items_.push_back(parse_value(depth + 1));
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        expect(']');
        return out;
      }
    }
    if (c == '"') {
      out.kind_ = Json::Kind::string;
      out.text_ = parse_string();
      return out;
    }
    if (take_literal("true")) {
      out.kind_ = Json::Kind::boolean;
      out.boolean_ = true;
      return out;
    }
    if (take_literal("false")) {
      out.kind_ = Json::Kind::boolean;
      return out;
    }
    if (take_literal("null")) return out;
    std::size_t start = pos_;
    while (pos_ < text_.size() && std::string_view("+-0123456789.eE").find(text_[pos_]) != std::string_view::npos) {
      ++pos_;
    }
    if (start == pos_) fail("unexpected character");
    out.kind_ = Json::Kind::number;
    out.text_ = std::string(text_.substr(start, pos_ - start));
    return out;
  }

  std::string parse_string() {
    expect('"');
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u':
          append_utf8(out, parse_hex4());
          break;
        default:
          fail("bad escape");
      }
    }
  }

  unsigned parse_hex4() {
    if (pos_ + 4 > text_.size()) fail("short \\u escape");
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, value, 16);
    if (ec != std::errc() || ptr != text_.data() + pos_ + 4) fail("bad \\u escape");
    pos_ += 4;
    return value;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

Json Json::parse(std::string_view text) {
  return JsonParser(text).parse_document();
}

const std::string& Json::as_string() const {
  if (kind_ != Kind::string) throw std::runtime_error("json: not a string");
  return text_;
}

uint64_t Json::as_uint() const {
  if (kind_ != Kind::number) throw std::runtime_error("json: not a number");
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text_.data(), text_.data() + text_.size(), value);
  if (ec != std::errc() || ptr != text_.data() + text_.size()) {
    throw std::runtime_error("json: not an unsigned integer: " + text_);
  }
  return value;
}

bool Json::as_bool() const {
  if (kind_ != Kind::boolean) throw std::runtime_error("json: not a boolean");
  return boolean_;
}

const std::vector<Json>& Json::as_array() const {
  if (kind_ != Kind::array) throw std::runtime_error("json: not an array");
  return items_;
}

const Json* Json::find(std::string_view key) const {
  if (kind_ != Kind::object) throw std::runtime_error("json: not an object");
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

const Json& Json::operator[](std::string_view key) const {
  const Json* value = find(key);
  if (value == nullptr) throw std::runtime_error("json: missing key " + std::string(key));
  return *value;
}

}  // namespace skymesh::test
