// The small strict JSON the wallet files need (RFC 8259: no comments, no trailing commas, no duplicate keys,
// valid UTF-8 and escapes). Objects keep their members in order and numbers keep their literal text, so
// whatever a reader does not understand is written back unchanged. The writer escapes as Go's encoding/json
// does (including <, > and &), so files look like the ones Skycoin writes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "skymesh/wallet/error.hpp"

namespace skymesh::wallet {

class Json {
 public:
  enum class Kind { null, boolean, number, string, array, object };
  using Member = std::pair<std::string, Json>;

  Json() = default;  // null
  static Json boolean(bool value);
  // Precondition: text is a JSON number literal (the parser guarantees it).
  static Json number(std::string text);
  static Json string(std::string text);
  static Json array(std::vector<Json> items = {});
  static Json object(std::vector<Member> members = {});

  Kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == Kind::null; }
  bool is_string() const noexcept { return kind_ == Kind::string; }
  bool is_array() const noexcept { return kind_ == Kind::array; }
  bool is_object() const noexcept { return kind_ == Kind::object; }

  // Preconditions: the matching kind (checked; a mismatch throws WalletException(malformed_field)).
  bool as_bool() const;
  const std::string& as_string() const;  // also the literal text of a number
  const std::vector<Json>& as_array() const;
  std::vector<Json>& as_array();
  const std::vector<Member>& as_object() const;
  std::vector<Member>& as_object();

  // Object members. find() gives nullptr when absent (or when this is not an object).
  const Json* find(std::string_view key) const;
  Json* find(std::string_view key);
  // Replaces the member's value in place, or appends it. Precondition: is_object().
  void set(std::string_view key, Json value);
  // Removes the member if present. Precondition: is_object().
  void erase(std::string_view key);
  // Overwrites every string and number text in this value (recursively) with zeros before it dies: for JSON
  // that carried secrets.
  void wipe() noexcept;

  friend bool operator==(const Json&, const Json&) = default;

 private:
  Kind kind_ = Kind::null;
  bool boolean_ = false;
  std::string text_;             // string value or number literal
  std::vector<Json> items_;      // array items
  std::vector<Member> members_;  // object members, in order
};

struct JsonLimits {
  std::size_t max_bytes = 64u << 20;  // a wallet of a million entries is about 200 MiB; 64 MiB is plenty
  std::size_t max_depth = 64;
};

// Parses one JSON value (surrounded by optional whitespace). Errors: malformed_json with the byte offset.
Result<Json> parse_json(std::string_view text, const JsonLimits& limits = {});

// indent == 0: compact, as Go's json.Marshal; indent > 0: one member per line, as json.MarshalIndent(v, "",
// indent spaces).
std::string write_json(const Json& value, int indent = 0);

// Appends the JSON string literal for text (quotes included), escaping as Go does.
void append_json_string(std::string& out, std::string_view text);

}  // namespace skymesh::wallet
