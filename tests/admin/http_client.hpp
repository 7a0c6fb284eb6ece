// A blocking HTTP/1.1 client for tests: one request per connection (Connection: close), raw bytes allowed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace skymesh::test {

struct HttpAnswer {
  int status = 0;  // 0: no answer
  std::string head, body;
};

// Sends `bytes` to HOST:PORT (IPv4) and reads until the server closes; at most `timeout_s` seconds.
inline HttpAnswer http_exchange(const std::string& address, const std::string& bytes, int timeout_s = 10) {
  HttpAnswer answer;
  const size_t colon = address.rfind(':');
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &peer.sin_addr);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
    ::close(fd);
    return answer;
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string all;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    all.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  const size_t head_end = all.find("\r\n\r\n");
  if (all.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) return answer;
  answer.status = std::stoi(all.substr(9, 3));
  answer.head = all.substr(0, head_end);
  answer.body = all.substr(head_end + 4);
  return answer;
}

inline HttpAnswer http_request(const std::string& address, const std::string& method, const std::string& path,
                               const std::string& body = "") {
  std::string bytes = method + " " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n";
  if (method == "POST")
    bytes += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  bytes += "\r\n" + body;
  return http_exchange(address, bytes);
}

}  // namespace skymesh::test
