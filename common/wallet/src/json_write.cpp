// JSON output shaped like Go's encoding/json: compact, or MarshalIndent's layout; empty arrays and objects as
// [] and {}.
#include <cstdint>

#include "skymesh/wallet/json.hpp"

namespace skymesh::wallet {

namespace {

constexpr char k_hex[] = "0123456789abcdef";

void append_u_escape(std::string& out, unsigned code) {
  out += "\\u";
  out += k_hex[(code >> 12) & 0xF];
  out += k_hex[(code >> 8) & 0xF];
  out += k_hex[(code >> 4) & 0xF];
  out += k_hex[code & 0xF];
}

void newline(std::string& out, int indent, int depth) {
  out += '\n';
  out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(depth), ' ');
}

void write_value(std::string& out, const Json& value, int indent, int depth) {
  switch (value.kind()) {
    case Json::Kind::null:
      out += "null";
      return;
    case Json::Kind::boolean:
      out += value.as_bool() ? "true" : "false";
      return;
    case Json::Kind::number:
      out += value.as_string();
      return;
    case Json::Kind::string:
      append_json_string(out, value.as_string());
      return;
    case Json::Kind::array: {
      const auto& items = value.as_array();
      if (items.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ',';
        if (indent > 0) newline(out, indent, depth + 1);
        write_value(out, items[i], indent, depth + 1);
      }
      if (indent > 0) newline(out, indent, depth);
      out += ']';
      return;
    }
    case Json::Kind::object: {
      const auto& members = value.as_object();
      if (members.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out += ',';
        if (indent > 0) newline(out, indent, depth + 1);
        append_json_string(out, members[i].first);
        out += indent > 0 ? ": " : ":";
        write_value(out, members[i].second, indent, depth + 1);
      }
      if (indent > 0) newline(out, indent, depth);
      out += '}';
      return;
    }
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '<':
      case '>':
      case '&':
        append_u_escape(out, c);
        continue;
      default:
        break;
    }
    if (c < 0x20) {
      append_u_escape(out, c);
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) are escaped by Go for JavaScript's sake.
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
      append_u_escape(out, static_cast<unsigned char>(text[i + 2]) == 0xA8 ? 0x2028 : 0x2029);
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  out += '"';
}

std::string write_json(const Json& value, int indent) {
  std::string out;
  write_value(out, value, indent < 0 ? 0 : indent, 0);
  return out;
}

}  // namespace skymesh::wallet
