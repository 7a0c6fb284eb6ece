// HTTP/1.1 for the admin's one port: an incremental request parser (bytes in, whole requests out, hostile
// input refused with the status to answer) and response serialisation. No bus, no sockets: http_server.hpp
// carries the bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace skymesh::admin {

struct HttpRequest {
  std::string method;                                        // GET, POST, ...
  std::string path;                                          // the target without its query string
  std::string query;                                         // after '?', undecoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  bool keep_alive = true;

  const std::string* header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct HttpLimits {
  size_t max_head_bytes = 16 * 1024;        // request line and headers
  size_t max_body_bytes = 4 * 1024 * 1024;  // Content-Length above it: 413
};

class HttpRequestParser {
 public:
  enum class State { need_more, complete, error };
  explicit HttpRequestParser(HttpLimits limits = {}) : limits_(limits) {}

  // Appends bytes received; then call next() until it stops returning complete.
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // Parses the next whole request out of the buffered bytes (pipelined requests come out one by one).
  // error: the connection must be answered with error_status() and closed.
  State next(HttpRequest& request);
  int error_status() const { return error_status_; }
  const std::string& error() const { return error_; }
  size_t buffered() const { return buffer_.size(); }

 private:
  State fail(int status, std::string message);

  HttpLimits limits_;
  std::string buffer_;
  int error_status_ = 0;
  std::string error_;
};

// The response as bytes, with Content-Length and Connection headers.
std::string serialize(const HttpResponse& response, bool keep_alive);
std::string_view reason_phrase(int status);
// {"error":{"code":N,"name":"...","message":"..."}} with JSON string escaping.
std::string json_error(int code, std::string_view name, std::string_view message);
std::string json_escape(std::string_view text);

}  // namespace skymesh::admin
