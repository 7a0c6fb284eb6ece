// ZeroMQ's ZAP (RFC 27) handler for CurveZMQ: admits a client only if its public key is on the allow list.
#pragma once

#include <memory>

#include <zmq.hpp>

#include "skymesh/bus/log.hpp"
#include "skymesh/bus/security.hpp"

namespace skymesh::bus {

// Binds inproc://zeromq.zap.01 in `context` (one handler per context: the first serving secured node owns it).
std::unique_ptr<zmq::socket_t> make_zap_handler(zmq::context_t& context, const Security& security,
                                                const Logger& logger);
// Answers every pending ZAP request on `socket` (non-blocking).
void serve_zap(zmq::socket_t& socket, const Security& security, const Logger& logger);

}  // namespace skymesh::bus
