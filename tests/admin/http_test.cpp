// The admin's HTTP request parser: whole requests out of arbitrary chunks, pipelining, and hostile input
// refused with the status to answer.
#include <catch2/catch.hpp>

#include "http.hpp"

using namespace skymesh::admin;
using State = HttpRequestParser::State;

TEST_CASE("a POST split across many reads comes out whole") {
  const std::string bytes =
      "POST /api/echo/echo?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
      "{\"text\":\"hi\"}";
  HttpRequestParser parser;
  HttpRequest request;
  for (size_t i = 0; i + 1 < bytes.size(); ++i) {
    parser.feed(bytes.substr(i, 1));
    REQUIRE(parser.next(request) == State::need_more);
  }
  parser.feed(bytes.substr(bytes.size() - 1));
  REQUIRE(parser.next(request) == State::complete);
  CHECK(request.method == "POST");
  CHECK(request.path == "/api/echo/echo");
  CHECK(request.query == "x=1");
  CHECK(request.body == "{\"text\":\"hi\"}");
  REQUIRE(request.header("content-type"));
  CHECK(*request.header("content-type") == "application/json");
  CHECK(request.keep_alive);
  CHECK(parser.buffered() == 0);
}

TEST_CASE("pipelined requests come out one by one, in order") {
  HttpRequestParser parser;
  parser.feed(
      "GET /healthz HTTP/1.1\r\n\r\nPOST /a/b HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}GET /metrics HTTP/1.0\r\n\r\n");
  HttpRequest request;
  REQUIRE(parser.next(request) == State::complete);
  CHECK(request.path == "/healthz");
  REQUIRE(parser.next(request) == State::complete);
  CHECK(request.body == "{}");
  REQUIRE(parser.next(request) == State::complete);
  CHECK(request.path == "/metrics");
  CHECK_FALSE(request.keep_alive);  // HTTP/1.0 without keep-alive
  CHECK(parser.next(request) == State::need_more);
}

TEST_CASE("Connection: close ends keep-alive") {
  HttpRequestParser parser;
  parser.feed("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
  HttpRequest request;
  REQUIRE(parser.next(request) == State::complete);
  CHECK_FALSE(request.keep_alive);
}

TEST_CASE("hostile requests are refused with the status to answer") {
  struct Case {
    std::string bytes;
    int status;
  };
  const std::vector<Case> cases = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET  / HTTP/1.1\r\n\r\n", 400},
      {"GET relative HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"G(T / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nno colon here\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\n: empty name\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413},
      {"GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n", 431},
      {"GET /" + std::string(20000, 'a'), 431},  // no end of head in sight
  };
  for (const auto& c : cases) {
    INFO(c.bytes.substr(0, 60));
    HttpRequestParser parser;
    parser.feed(c.bytes);
    HttpRequest request;
    REQUIRE(parser.next(request) == State::error);
    CHECK(parser.error_status() == c.status);
    CHECK_FALSE(parser.error().empty());
    CHECK(parser.next(request) == State::error);  // stays refused
  }
}

TEST_CASE("responses carry their length and connection header; JSON errors are escaped") {
  const std::string bytes = serialize(HttpResponse{404, "application/json", "{}"}, false);
  CHECK(bytes ==
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: "
        "close\r\n\r\n{}");
  CHECK(json_error(1, "bad_request", "a \"quoted\"\nline") ==
        "{\"error\":{\"code\":1,\"name\":\"bad_request\",\"message\":\"a \\\"quoted\\\"\\nline\"}}");
}
