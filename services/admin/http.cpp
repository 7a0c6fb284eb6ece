#include "http.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace skymesh::admin {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

HttpRequestParser::State HttpRequestParser::fail(int status, std::string message) {
  error_status_ = status;
  error_ = std::move(message);
  return State::error;
}

HttpRequestParser::State HttpRequestParser::next(HttpRequest& request) {
  if (error_status_ != 0) return State::error;
  // Tolerate blank lines between pipelined requests (RFC 9112 2.2).
  while (buffer_.size() >= 2 && buffer_[0] == '\r' && buffer_[1] == '\n') buffer_.erase(0, 2);
  const size_t head_end = buffer_.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    if (buffer_.size() > limits_.max_head_bytes) return fail(431, "request head larger than the limit");
    return State::need_more;
  }
  if (head_end > limits_.max_head_bytes) return fail(431, "request head larger than the limit");
  std::string_view head(buffer_.data(), head_end);

  request = HttpRequest();
  const size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != line.npos) {
    return fail(400, "malformed request line");
  }
  request.method = std::string(line.substr(0, sp1));
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (request.method.empty() || !std::all_of(request.method.begin(), request.method.end(), token_char)) {
    return fail(400, "malformed method");
  }
  if (target.empty() || target.front() != '/') return fail(400, "the request target must be a path");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail(505, "only HTTP/1.0 and HTTP/1.1");
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.keep_alive = version == "HTTP/1.1";

  size_t content_length = 0;
  bool has_length = false;
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view header = head.substr(pos, end - pos);
    pos = end + 2;
    const size_t colon = header.find(':');
    if (colon == 0 || colon == std::string_view::npos) return fail(400, "malformed header line");
    std::string_view name = header.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), token_char)) return fail(400, "malformed header name");
    std::string key = lower(name);
    std::string value(trim(header.substr(colon + 1)));
    if (key == "content-length") {
      size_t parsed = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
        return fail(400, "malformed Content-Length");
      }
      if (has_length && parsed != content_length) return fail(400, "conflicting Content-Length headers");
      has_length = true;
      content_length = parsed;
    } else if (key == "transfer-encoding") {
      return fail(501, "Transfer-Encoding is not supported; send a Content-Length");
    } else if (key == "connection") {
      const std::string token = lower(value);
      if (token == "close") request.keep_alive = false;
      if (token == "keep-alive") request.keep_alive = true;
    }
    request.headers.emplace_back(std::move(key), std::move(value));
  }
  if (content_length > limits_.max_body_bytes) return fail(413, "request body larger than the limit");
  const size_t total = head_end + 4 + content_length;
  if (buffer_.size() < total) return State::need_more;
  request.body = buffer_.substr(head_end + 4, content_length);
  buffer_.erase(0, total);
  return State::complete;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string serialize(const HttpResponse& response, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(reason_phrase(response.status)) +
                    "\r\nContent-Type: " + response.content_type +
                    "\r\nContent-Length: " + std::to_string(response.body.size()) +
                    "\r\nConnection: " + (keep_alive ? "keep-alive" : "close") + "\r\n\r\n";
  out += response.body;
  return out;
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[(c >> 4) & 15];
          out += hex[c & 15];
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string json_error(int code, std::string_view name, std::string_view message) {
  return "{\"error\":{\"code\":" + std::to_string(code) + ",\"name\":\"" + json_escape(name) + "\",\"message\":\"" +
         json_escape(message) + "\"}}";
}

}  // namespace skymesh::admin
