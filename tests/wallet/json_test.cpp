// The wallet library's strict JSON: what it refuses, what it keeps, and Go-compatible output.
#include <catch2/catch.hpp>

#include <string>

#include "skymesh/wallet/json.hpp"

using namespace skymesh::wallet;

namespace {

WalletError parse_error(const std::string& text) {
  auto parsed = parse_json(text);
  REQUIRE_FALSE(parsed.ok());
  INFO(parsed.message());
  return parsed.error();
}

}  // namespace

TEST_CASE("a document written back keeps member order, numbers' text and unknown members") {
  const std::string text = R"({"b":1.50,"a":[true,false,null,{"x":"y"}],"e":{},"f":[],"n":-0.0e+3})";
  auto parsed = parse_json(text);
  REQUIRE(parsed.ok());
  CHECK(write_json(parsed.value()) == text);
  auto again = parse_json(write_json(parsed.value(), 4));
  REQUIRE(again.ok());
  CHECK(again.value() == parsed.value());
}

TEST_CASE("indented output has Go's MarshalIndent layout") {
  auto parsed = parse_json(R"({"meta":{"a":"b"},"entries":[{"k":"v"}],"empty":[]})");
  REQUIRE(parsed.ok());
  CHECK(write_json(parsed.value(), 4) ==
        "{\n    \"meta\": {\n        \"a\": \"b\"\n    },\n    \"entries\": [\n        {\n            \"k\": \"v\"\n"
        "        }\n    ],\n    \"empty\": []\n}");
}

TEST_CASE("strings are escaped as Go escapes them and escapes decode to UTF-8") {
  std::string out;
  append_json_string(out, "a\"b\\c\n<&>\x01\xE2\x80\xA8z");
  CHECK(out == R"("a\"b\\c\n\u003c\u0026\u003e\u0001\u2028z")");
  auto parsed = parse_json(R"("\u00e9\ud83d\ude00\/")");
  REQUIRE(parsed.ok());
  CHECK(parsed->as_string() == "\xC3\xA9\xF0\x9F\x98\x80/");
}

TEST_CASE("non-strict JSON is refused with the offset of the problem") {
  CHECK(parse_error("") == WalletError::malformed_json);
  CHECK(parse_error("{\"a\":1,}") == WalletError::malformed_json);
  CHECK(parse_error("[1,]") == WalletError::malformed_json);
  CHECK(parse_error("{\"a\":1} x") == WalletError::malformed_json);
  CHECK(parse_error("// c\n{}") == WalletError::malformed_json);
  CHECK(parse_error("{\"a\":1,\"a\":2}") == WalletError::malformed_json);
  CHECK(parse_error("\"tab\there\"") == WalletError::malformed_json);
  CHECK(parse_error("\"\\ud800\"") == WalletError::malformed_json);
  CHECK(parse_error("\"\xC0\xAF\"") == WalletError::malformed_json);
  CHECK(parse_error("01") == WalletError::malformed_json);
  CHECK(parse_error("1.") == WalletError::malformed_json);
  CHECK(parse_error("{\"a\"") == WalletError::malformed_json);
  CHECK(parse_error("tru") == WalletError::malformed_json);
  auto truncated = parse_json("{\"meta\": {\"coin\": \"sky");
  REQUIRE_FALSE(truncated.ok());
  CHECK_THAT(truncated.message(), Catch::Contains("at byte"));
}

TEST_CASE("nesting deeper than the limit is refused instead of exhausting the stack") {
  std::string deep(100000, '[');
  CHECK(parse_error(deep) == WalletError::malformed_json);
  JsonLimits limits;
  limits.max_bytes = 10;
  CHECK_FALSE(parse_json("[1,2,3,4,5,6]", limits).ok());
}

TEST_CASE("set replaces a member in place and erase removes it") {
  Json obj = Json::object();
  obj.set("a", Json::string("1"));
  obj.set("b", Json::string("2"));
  obj.set("a", Json::string("3"));
  CHECK(write_json(obj) == R"({"a":"3","b":"2"})");
  obj.erase("a");
  CHECK(write_json(obj) == R"({"b":"2"})");
  CHECK(obj.find("a") == nullptr);
}
