// A small HTTP/1.1 server on the reactor's thread: a ZeroMQ STREAM socket carries raw TCP, so HTTP
// connections are polled like every bus socket and a request's handler runs in its own fiber, free to make bus
// calls. Keep-alive and pipelined requests are answered in order, one at a time per connection; a malformed
// request gets its 4xx answer and the connection is closed; the server keeps serving everyone else.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <zmq.hpp>

#include "http.hpp"
#include "skymesh/bus/reactor.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::admin {

class HttpServer {
 public:
  // Runs in a fiber per request; may block that fiber (bus calls).
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  HttpServer(bus::Reactor& reactor, Handler handler, HttpLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // "HOST:PORT" (port 0 picks a free one). Call on the reactor thread.
  bus::Status listen(const std::string& host_port);
  // "HOST:PORT" actually bound.
  const std::string& address() const { return address_; }
  uint64_t requests() const { return requests_; }
  uint64_t malformed() const { return malformed_; }

 private:
  struct Connection;
  void on_readable();
  void serve(const std::string& id);
  void send(const std::string& id, const std::string& bytes, bool close);
  void close();

  bus::Reactor& reactor_;
  Handler handler_;
  HttpLimits limits_;
  zmq::socket_t socket_;
  bool registered_ = false;
  int stop_hook_ = -1;
  std::string address_;
  std::map<std::string, std::shared_ptr<Connection>> connections_;
  uint64_t requests_ = 0, malformed_ = 0;
};

}  // namespace skymesh::admin
