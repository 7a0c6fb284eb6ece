// skymesh_toml: every feature of the subset, and every error a document can earn (each naming its line).
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "skymesh/toml/toml.hpp"

using skymesh::toml::Array;
using skymesh::toml::parse;
using skymesh::toml::Table;
using skymesh::toml::Type;
using skymesh::toml::Value;

namespace {

Table parsed(const std::string& text) {
  auto result = parse(text);
  INFO(text);
  if (!result.ok()) FAIL(result.error().to_string());
  return std::move(result).table();
}

// The error text of a document that must not parse.
std::string refused(const std::string& text) {
  auto result = parse(text);
  INFO(text);
  REQUIRE_FALSE(result.ok());
  return result.error().to_string();
}

const Value& at(const Table& table, const std::string& key) {
  const Value* value = table.find(key);
  INFO("key " << key);
  REQUIRE(value);
  return *value;
}

std::string str(const Table& table, const std::string& key) {
  const std::string* text = at(table, key).as_string();
  REQUIRE(text);
  return *text;
}

int64_t integer(const Table& table, const std::string& key) {
  const int64_t* number = at(table, key).as_integer();
  REQUIRE(number);
  return *number;
}

const Table& sub(const Table& table, const std::string& key) {
  const Table* child = at(table, key).as_table();
  REQUIRE(child);
  return *child;
}

}  // namespace

TEST_CASE("an empty document, blank lines and comments give an empty root table") {
  CHECK(parsed("").empty());
  CHECK(parsed("\n\n   \t\n# only a comment\n  # indented comment\r\n").empty());
}

TEST_CASE("flat key = value lines keep their order, types and lines") {
  const Table root = parsed("name = \"echo\"  # trailing comment\nport = 7000\ncurve = true\noff = false\n");
  REQUIRE(root.size() == 4);
  auto entry = root.entries().begin();
  CHECK(entry->first == "name");
  CHECK((++entry)->first == "port");
  CHECK(str(root, "name") == "echo");
  CHECK(integer(root, "port") == 7000);
  CHECK(*at(root, "curve").as_boolean() == true);
  CHECK(*at(root, "off").as_boolean() == false);
  CHECK(at(root, "port").line() == 2);
  CHECK(at(root, "name").type() == Type::string);
  CHECK(at(root, "name").as_integer() == nullptr);
  CHECK(root.find("missing") == nullptr);
}

TEST_CASE("basic strings decode every escape and literal strings keep backslashes") {
  const Table root = parsed(
      "a = \"tab\\tnl\\nq\\\"bs\\\\b\\bf\\fr\\r\"\n"
      "u = \"\\u00e9\\U0001F600\\u0041\"\n"
      "lit = 'C:\\path\\no \"escape\"'\n"
      "empty = \"\"\n"
      "hash = \"# not a comment\"\n");
  CHECK(str(root, "a") == "tab\tnl\nq\"bs\\b\bf\fr\r");
  CHECK(str(root, "u") ==
        "\xC3\xA9\xF0\x9F\x98\x80"
        "A");
  CHECK(str(root, "lit") == "C:\\path\\no \"escape\"");
  CHECK(str(root, "empty").empty());
  CHECK(str(root, "hash") == "# not a comment");
}

TEST_CASE("integers accept signs, underscores, hex, octal, binary and the 64-bit limits") {
  const Table root = parsed(
      "a = 100_000_000_000_000\nb = -17\nc = +3\nd = 0\ne = 0xdead_BEEF\nf = 0o755\ng = 0b1010\n"
      "max = 9223372036854775807\nmin = -9223372036854775808\nz = -0\n");
  CHECK(integer(root, "a") == 100000000000000);
  CHECK(integer(root, "b") == -17);
  CHECK(integer(root, "c") == 3);
  CHECK(integer(root, "d") == 0);
  CHECK(integer(root, "e") == 0xdeadbeef);
  CHECK(integer(root, "f") == 0755);
  CHECK(integer(root, "g") == 10);
  CHECK(integer(root, "max") == INT64_MAX);
  CHECK(integer(root, "min") == INT64_MIN);
  CHECK(integer(root, "z") == 0);
}

TEST_CASE("arrays span lines, hold comments and accept a trailing comma") {
  const Table root = parsed(
      "list = [\n  \"a\",  # first\n\n  'b',\n  \"c\",\n]\n"
      "nums = [1, 2,3]\nempty = [ ]\nnested = [[1, 2], [\"x\"]]\nmixed = [1, \"one\", true]\n");
  const Array& list = *at(root, "list").as_array();
  REQUIRE(list.size() == 3);
  CHECK(*list[0].as_string() == "a");
  CHECK(*list[2].as_string() == "c");
  CHECK(list[1].line() == 4);
  CHECK(at(root, "nums").as_array()->size() == 3);
  CHECK(*at(root, "nums").as_array()->at(2).as_integer() == 3);
  CHECK(at(root, "empty").as_array()->empty());
  CHECK(at(root, "nested").as_array()->at(0).as_array()->size() == 2);
  CHECK(at(root, "mixed").as_array()->size() == 3);
  CHECK_FALSE(at(root, "list").is_table_array());
}

TEST_CASE("tables, dotted table names and quoted keys nest") {
  const Table root = parsed(
      "top = 1\n[node]\nport = 6000\n[ a . b . \"c d\" ]\nx = 1\n[a]\ny = 2\n[\"quoted key\"]\n'lit key' = 3\n"
      "\"\" = 4\n");
  CHECK(integer(root, "top") == 1);
  CHECK(integer(sub(root, "node"), "port") == 6000);
  CHECK(integer(sub(sub(sub(root, "a"), "b"), "c d"), "x") == 1);
  CHECK(integer(sub(root, "a"), "y") == 2);
  CHECK(integer(sub(root, "quoted key"), "lit key") == 3);
  CHECK(integer(sub(root, "quoted key"), "") == 4);
}

TEST_CASE("dotted keys make tables, and a header may add sub-tables beneath them") {
  const Table root = parsed(
      "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\n"
      "smooth = true\n");
  const Table& apple = sub(sub(root, "fruit"), "apple");
  CHECK(str(apple, "color") == "red");
  CHECK(*at(sub(apple, "taste"), "sweet").as_boolean());
  CHECK(*at(sub(apple, "texture"), "smooth").as_boolean());
}

TEST_CASE("arrays of tables collect one table per [[header]], and sub-tables go to the last one") {
  const Table root = parsed(
      "[[serverlet]]\nname = \"echo\"\n[serverlet.flags]\nx = 1\n"
      "[[serverlet]]\nname = \"crypto\"\n[serverlet.flags]\nx = 2\n[[serverlet.extra]]\nk = 1\n");
  const Value& list = at(root, "serverlet");
  CHECK(list.is_table_array());
  const Array& items = *list.as_array();
  REQUIRE(items.size() == 2);
  CHECK(str(*items[0].as_table(), "name") == "echo");
  CHECK(integer(sub(*items[0].as_table(), "flags"), "x") == 1);
  CHECK(str(*items[1].as_table(), "name") == "crypto");
  CHECK(integer(sub(*items[1].as_table(), "flags"), "x") == 2);
  CHECK(at(*items[1].as_table(), "extra").as_array()->size() == 1);
}

TEST_CASE("a parent named only implicitly by a header may be defined later") {
  const Table root = parsed("[a.b]\nx = 1\n[a]\ny = 2\n");
  CHECK(integer(sub(sub(root, "a"), "b"), "x") == 1);
  CHECK(integer(sub(root, "a"), "y") == 2);
}

TEST_CASE("Skycoin's fiber.toml layout reads as the chain serverlet will need it") {
  const Table root = parsed(
      "# fiber configuration\n[node]\n"
      "genesis_address_str = \"2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6\"\n"
      "genesis_timestamp = 1426562704\n"
      "genesis_coin_volume = 100000000000000\n"
      "# port = 6000\n"
      "default_connections = [\n    \"118.178.135.93:6000\",\n    \"47.88.33.156:6000\",\n]\n"
      "\n[params]\n# max_coin_supply = 1e8\ndistribution_addresses = [\n    "
      "\"R6aHqKWSQfvpdo2fGSrq4F1RYXkBWR9HHJ\",\n]\n");
  const Table& node = sub(root, "node");
  CHECK(str(node, "genesis_address_str") == "2jBbGxZRGoQG1mqhPBnXnLTxK6oxsTf8os6");
  CHECK(integer(node, "genesis_coin_volume") == 100000000000000);
  CHECK(at(node, "default_connections").as_array()->size() == 2);
  CHECK(at(sub(root, "params"), "distribution_addresses").as_array()->size() == 1);
}

TEST_CASE("CRLF line ends are accepted and counted once") {
  const Table root = parsed("a = 1\r\nb = [\r\n 2,\r\n]\r\nc = 3\r\n");
  CHECK(at(root, "c").line() == 5);
}

TEST_CASE("parse_file names the file in errors and refuses an unreadable one") {
  const std::string path = "toml_test_tmp.toml";
  {
    std::ofstream out(path);
    out << "ok = 1\nbad = \n";
  }
  auto result = skymesh::toml::parse_file(path);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().to_string() == path + ":2: expected a value after `=`");
  std::remove(path.c_str());
  auto missing = skymesh::toml::parse_file("no/such/file.toml");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().line == 0);
  CHECK(missing.error().to_string() == "no/such/file.toml: cannot read the file");
}

TEST_CASE("duplicate keys and tables are errors that name both lines") {
  CHECK(refused("a = 1\nb = 2\na = 3\n") == "line 3: duplicate key `a` (first defined on line 1)");
  CHECK(refused("[t]\nx = 1\n[t]\n") == "line 3: duplicate table [t] (line 1)");
  CHECK(refused("a.b = 1\na.b = 2\n") == "line 2: duplicate key `a.b` (first defined on line 1)");
  CHECK(refused("[a]\nb.c = 1\n[a.b]\n") == "line 3: [a.b]: table `a.b` was already defined by dotted keys (line 2)");
  CHECK(refused("[a.b]\n[a]\nb.c = 1\n") ==
        "line 3: cannot set `b.c`: table `b` belongs to a [header] (line 1); set its keys in that section");
  CHECK(refused("a = 1\n[a]\n") == "line 2: [a]: `a` is already an integer (line 1)");
  CHECK(refused("a = 1\n[a.b]\n") == "line 2: `a` is already an integer (line 1), not a table");
  CHECK(refused("a = 1\na.b = 2\n") == "line 2: cannot set `a.b`: `a` is already an integer (line 1)");
  CHECK(refused("[[a]]\n[a]\n") == "line 2: [a]: `a` is an array of tables (line 1); use [[a]] to add an element");
  CHECK(refused("a = []\n[[a]]\n") == "line 2: [[a]]: `a` is already an array (line 1), not an array of tables");
  CHECK(refused("[t]\n[[t]]\n") == "line 2: [[t]]: `t` is already a table (line 1), not an array of tables");
}

TEST_CASE("malformed lines name their line and what is wrong") {
  CHECK(refused("a = 1\nb\n") == "line 2: expected `=` after the key `b`");
  CHECK(refused("a b = 1\n") == "line 1: expected `=` after the key `a`, found `b`");
  CHECK(refused("= 1\n") == "line 1: expected a key, found `=`");
  CHECK(refused("a = \n") == "line 1: expected a value after `=`");
  CHECK(refused("a = 1 2\n") == "line 1: unexpected `2` where the line should end");
  CHECK(refused("a = nope\n") == "line 1: expected a value (a string, integer, boolean or array), found `n`");
  CHECK(refused("a = @\n") == "line 1: expected a value (a string, integer, boolean or array), found `@`");
  CHECK(refused("a = truth\n") == "line 1: expected a value (a string, integer, boolean or array)");
  CHECK(refused("[t\n") == "line 1: expected `]` to close the header [t");
  CHECK(refused("[[t]\n") == "line 1: expected `]]` to close the header [t");
  CHECK(refused("[]\n") == "line 1: expected a key, found `]`");
  CHECK(refused("[t] x = 1\n") == "line 1: unexpected `x` where the line should end");
  CHECK(refused("a = 1 # bell \x07\n") == "line 1: control character U+0007 in a comment");
}

TEST_CASE("strings refuse what the subset does not read") {
  CHECK(refused("a = \"open\n") == "line 1: unterminated string (it needs a closing \")");
  CHECK(refused("a = 'open\n") == "line 1: unterminated literal string (it needs a closing ')");
  CHECK(refused("a = \"\\q\"\n") == "line 1: unknown escape \\q in a string");
  CHECK(refused("a = \"\\u12\"\n") == "line 1: \\u needs 4 hex digits");
  CHECK(refused("a = \"\\uD800\"\n") == "line 1: \\u escape is not a Unicode scalar value this reader accepts");
  CHECK(refused("a = \"tab\there\x01\"\n") == "line 1: control character U+0001 in a string (escape it)");
  CHECK(refused("a = \"\"\"multi\"\"\"\n") == "line 1: multi-line strings (\"\"\") are not supported");
  CHECK(refused("a = '''multi'''\n") == "line 1: multi-line literal strings (''') are not supported");
}

TEST_CASE("integers refuse floats, dates, bad underscores, leading zeros and overflow") {
  CHECK(refused("a = 1.5\n") == "line 1: floats are not supported");
  CHECK(refused("a = 1e8\n") == "line 1: floats are not supported");
  CHECK(refused("a = inf\n") == "line 1: floats (inf, nan) are not supported");
  CHECK(refused("a = 1979-05-27\n") == "line 1: dates and times are not supported");
  CHECK(refused("a = 1__0\n") == "line 1: `_` in an integer must sit between two digits");
  CHECK(refused("a = 10_\n") == "line 1: `_` in an integer must sit between two digits");
  CHECK(refused("a = 012\n") == "line 1: leading zeros are not allowed in a decimal integer");
  CHECK(refused("a = 9223372036854775808\n") == "line 1: integer out of range (64-bit signed)");
  CHECK(refused("a = -9223372036854775809\n") == "line 1: integer out of range (64-bit signed)");
  CHECK(refused("a = 0x8000000000000000\n") == "line 1: integer out of range (64-bit signed)");
  CHECK(refused("a = -0x1\n") == "line 1: a hexadecimal, octal or binary integer cannot carry a sign");
  CHECK(refused("a = 0b102\n") == "line 1: unexpected `2` in an integer");
  CHECK(refused("a = 12abc\n") == "line 1: unexpected `a` in an integer");
  CHECK(refused("a = -\n") == "line 1: expected a digit, found U+000A");
}

TEST_CASE("arrays and inline tables refuse what is missing or unsupported") {
  CHECK(refused("a = [1, 2\nb = 3\n") == "line 2: expected `,` or `]` in the array opened on line 1, found `b`");
  CHECK(refused("a = [1,\n") == "line 2: unterminated array opened on line 1 (it needs a closing `]`)");
  CHECK(refused("a = [1,,2]\n") == "line 1: expected a value (a string, integer, boolean or array), found `,`");
  CHECK(refused("a = {x = 1}\n") == "line 1: inline tables ({...}) are not supported; use a [table] section");
}
