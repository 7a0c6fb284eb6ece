#include "http_server.hpp"

namespace skymesh::admin {

struct HttpServer::Connection {
  explicit Connection(HttpLimits limits) : parser(limits) {}
  HttpRequestParser parser;
  bool busy = false;    // a handler fiber is answering one of its requests
  bool closed = false;  // the peer went away, or we are closing it
};

HttpServer::HttpServer(bus::Reactor& reactor, Handler handler, HttpLimits limits)
    : reactor_(reactor),
      handler_(std::move(handler)),
      limits_(limits),
      socket_(reactor.context(), zmq::socket_type::stream) {
  socket_.set(zmq::sockopt::linger, 0);
  // The socket must be closed before the process's ZeroMQ context ends (which waits for every socket), even
  // when this server outlives the reactor's run.
  stop_hook_ = reactor_.add_stop_hook([this] { close(); });
}

HttpServer::~HttpServer() {
  reactor_.remove_stop_hook(stop_hook_);
  close();
}

void HttpServer::close() {
  if (registered_) reactor_.remove_socket(socket_);
  registered_ = false;
  connections_.clear();
  socket_.close();
}

bus::Status HttpServer::listen(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  if (colon == std::string::npos || colon + 1 == host_port.size()) {
    return bus::Status(bus::ErrorCode::bad_request, "--http needs HOST:PORT, got " + host_port);
  }
  std::string endpoint = "tcp://" + host_port;
  if (host_port.substr(colon + 1) == "0") endpoint = "tcp://" + host_port.substr(0, colon) + ":*";
  try {
    socket_.bind(endpoint);
  } catch (const zmq::error_t& error) {
    return bus::Status(bus::ErrorCode::unavailable, "cannot listen on " + host_port + ": " + error.what());
  }
  std::string bound = socket_.get(zmq::sockopt::last_endpoint);
  address_ = bound.substr(std::string("tcp://").size());
  if (!registered_) {
    if (!socket_) return bus::Status(bus::ErrorCode::unavailable, "the HTTP server is closed");
    reactor_.add_socket(socket_, [this](size_t) { on_readable(); });
    registered_ = true;
  }
  return bus::Status();
}

void HttpServer::on_readable() {
  for (;;) {
    zmq::message_t id_frame, data_frame;
    if (!socket_.recv(id_frame, zmq::recv_flags::dontwait)) return;
    if (!id_frame.more() || !socket_.recv(data_frame, zmq::recv_flags::dontwait)) continue;
    while (data_frame.more()) {  // a STREAM socket sends two frames; drop anything unexpected
      zmq::message_t extra;
      if (!socket_.recv(extra, zmq::recv_flags::dontwait)) break;
      if (!extra.more()) break;
    }
    std::string id = id_frame.to_string();
    auto it = connections_.find(id);
    if (data_frame.size() == 0) {  // connect or disconnect notification: state is made on first data
      if (it != connections_.end()) {
        it->second->closed = true;
        connections_.erase(it);
      }
      continue;
    }
    if (it == connections_.end()) it = connections_.emplace(id, std::make_shared<Connection>(limits_)).first;
    it->second->parser.feed(data_frame.to_string_view());
    if (!it->second->busy) serve(id);
  }
}

// Answers the connection's next whole request in a fiber; that fiber goes on with pipelined ones.
void HttpServer::serve(const std::string& id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  std::shared_ptr<Connection> connection = it->second;
  HttpRequest request;
  const auto state = connection->parser.next(request);
  if (state == HttpRequestParser::State::need_more) return;
  if (state == HttpRequestParser::State::error) {
    ++malformed_;
    HttpResponse response{connection->parser.error_status(), "application/json",
                          json_error(connection->parser.error_status(), "bad_http", connection->parser.error())};
    send(id, serialize(response, false), true);
    connection->closed = true;
    connections_.erase(id);
    return;
  }
  connection->busy = true;
  ++requests_;
  reactor_.spawn([this, id, connection, request = std::move(request)]() mutable {
    HttpResponse response;
    try {
      response = handler_(request);
    } catch (const std::exception& error) {
      response = HttpResponse{500, "application/json", json_error(500, "internal", error.what())};
    }
    if (connection->closed) return;
    send(id, serialize(response, request.keep_alive), !request.keep_alive);
    connection->busy = false;
    if (!request.keep_alive) {
      connection->closed = true;
      connections_.erase(id);
      return;
    }
    serve(id);
  });
}

void HttpServer::send(const std::string& id, const std::string& bytes, bool close) {
  if (!socket_) return;  // closed at shutdown
  try {
    socket_.send(zmq::buffer(id), zmq::send_flags::sndmore);
    socket_.send(zmq::buffer(bytes), zmq::send_flags::none);
    if (close) {
      socket_.send(zmq::buffer(id), zmq::send_flags::sndmore);
      socket_.send(zmq::message_t(), zmq::send_flags::none);
    }
  } catch (const zmq::error_t&) {
    // The peer is gone: nothing to answer.
  }
}

}  // namespace skymesh::admin
