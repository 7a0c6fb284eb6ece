// A minimal JSON reader for the test vectors (objects, arrays, strings, numbers, true/false/null). Enough for
// Skycoin's golden files; not a general-purpose parser (no \u surrogate pairs beyond the BMP).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace skymesh::test {

class Json {
 public:
  enum class Kind { null, boolean, number, string, array, object };

  // Throws std::runtime_error naming the offset of the first problem.
  static Json parse(std::string_view text);

  Kind kind() const { return kind_; }
  // Each accessor throws std::runtime_error when the value is of another kind.
  const std::string& as_string() const;
  uint64_t as_uint() const;
  bool as_bool() const;
  const std::vector<Json>& as_array() const;
  // Member of an object; throws when absent.
  const Json& operator[](std::string_view key) const;
  // Member of an object, or nullptr.
  const Json* find(std::string_view key) const;

 private:
  friend class JsonParser;
  Kind kind_ = Kind::null;
  bool boolean_ = false;
  std::string text_;               // string value, or the number's literal text
  std::vector<Json> items_;        // array items, or object values
  std::vector<std::string> keys_;  // object keys, parallel to items_
};

}  // namespace skymesh::test
