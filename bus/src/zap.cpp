#include "zap.hpp"

#include <algorithm>
#include <vector>

namespace skymesh::bus {

std::unique_ptr<zmq::socket_t> make_zap_handler(zmq::context_t& context, const Security& security,
                                                const Logger& logger) {
  auto socket = std::make_unique<zmq::socket_t>(context, zmq::socket_type::router);
  socket->set(zmq::sockopt::linger, 0);
  socket->bind("inproc://zeromq.zap.01");
  logger.info("zap_ready", {{"allowed_clients", std::to_string(security.allowed_clients.size())}});
  return socket;
}

void serve_zap(zmq::socket_t& socket, const Security& security, const Logger& logger) {
  for (;;) {
    std::vector<zmq::message_t> frames;
    for (;;) {
      zmq::message_t frame;
      if (!socket.recv(frame, zmq::recv_flags::dontwait)) break;
      const bool more = frame.more();
      frames.push_back(std::move(frame));
      if (!more) break;
    }
    if (frames.empty()) return;
    // ROUTER: [routing id][empty][version][request id][domain][address][identity][mechanism][credentials...]
    if (frames.size() < 8) continue;
    const std::string version = frames[2].to_string();
    const std::string mechanism = frames[7].to_string();
    bool admit = false;
    std::string reason = "unsupported mechanism";
    std::string client_key;
    if (version == "1.0" && mechanism == "CURVE" && frames.size() >= 9 && frames[8].size() == 32) {
      char z85[41];
      zmq_z85_encode(z85, static_cast<const uint8_t*>(frames[8].data()), 32);
      client_key = z85;
      admit = std::find(security.allowed_clients.begin(), security.allowed_clients.end(), client_key) !=
              security.allowed_clients.end();
      reason = admit ? "OK" : "client key not on the allow list";
    }
    if (!admit)
      logger.warn("client_refused", {{"key", client_key}, {"address", frames[5].to_string()}, {"reason", reason}});
    std::vector<zmq::message_t> reply;
    reply.emplace_back(frames[0].data(), frames[0].size());
    reply.emplace_back();
    reply.emplace_back("1.0", 3);
    reply.emplace_back(frames[3].data(), frames[3].size());
    reply.emplace_back(admit ? "200" : "400", 3);
    reply.emplace_back(reason.data(), reason.size());
    reply.emplace_back(client_key.data(), client_key.size());  // user id
    reply.emplace_back();                                      // metadata
    for (size_t i = 0; i < reply.size(); ++i) {
      socket.send(reply[i], i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }
}

}  // namespace skymesh::bus
