#include "echo_service.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include <boost/fiber/operations.hpp>

#include "skymesh/proto/sys.capnp.h"
#include "skymesh/proto/test.capnp.h"

namespace skymesh::echo {

using proto::EchoReply;
using proto::EchoRequest;

void Session::on_request(bus::Incoming& incoming) {
  ++calls_;
  auto request = incoming.message().payload<EchoRequest>();
  (void)incoming.reply<EchoReply>([this, &request](EchoReply::Builder reply) {
    reply.setText(request.getText());
    reply.setCalls(calls_);
  });
}

EchoService::EchoService(bus::Node& node, std::string instance) : node_(node), instance_(std::move(instance)) {}

bus::Status EchoService::attach() {
  node_.handle<EchoRequest, EchoReply>(
      "echo.echo", [this](bus::CallContext&, EchoRequest::Reader request, EchoReply::Builder reply) {
        if (request.getDelayMs() > 0) boost::this_fiber::sleep_for(std::chrono::milliseconds(request.getDelayMs()));
        reply.setText(request.getText());
        reply.setData(request.getData());
        reply.setCalls(++calls_);
        reply.setNode(instance_);
        return bus::Status();
      });
  // A pure function of its request: callers may cache it forever.
  node_.handle<EchoRequest, EchoReply>(
      "echo.upper",
      [this](bus::CallContext&, EchoRequest::Reader request, EchoReply::Builder reply) {
        std::string text = request.getText();
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
        reply.setText(text);
        reply.setCalls(++upper_calls_);
        return bus::Status();
      },
      bus::MethodOptions{bus::StateClass::INVARIANT_FUNCTIONAL, {}, false});
  node_.handle<EchoRequest, EchoReply>(
      "echo.repeat",
      [](bus::CallContext& context, EchoRequest::Reader request, EchoReply::Builder reply) {
        for (uint32_t i = 0; i < request.getCount(); ++i) {
          bus::Status sent = context.emit<EchoReply>([&request, i](EchoReply::Builder item) {
            item.setText(request.getText());
            item.setCalls(i + 1);
          });
          if (!sent.ok()) return sent;
        }
        reply.setCalls(request.getCount());
        return bus::Status();
      },
      bus::MethodOptions{bus::StateClass::PER_REQUEST, {}, true});
  node_.handle<EchoRequest, EchoReply>(
      "echo.fail", [](bus::CallContext&, EchoRequest::Reader request, EchoReply::Builder) {
        return bus::Status(bus::ErrorCode::failed_precondition, "asked to fail: " + std::string(request.getText()));
      });
  node_.handle<EchoRequest, EchoReply>(
      "echo.publish", [this](bus::CallContext&, EchoRequest::Reader request, EchoReply::Builder reply) {
        uint64_t last = 0;
        for (uint32_t i = 0; i < std::max<uint32_t>(1, request.getCount()); ++i) {
          auto seq = node_.publish<proto::Tick>(
              "echo.ticks", [&request](proto::Tick::Builder tick) { tick.setNote(request.getText()); });
          if (!seq.ok()) return seq.status();
          last = seq.value();
        }
        reply.setCalls(last);
        return bus::Status();
      });
  node_.handle<EchoRequest, EchoReply>("echo.session",
                                       [this](bus::CallContext&, EchoRequest::Reader, EchoReply::Builder reply) {
                                         auto session = std::make_shared<Session>();
                                         bus::HandlerId id = node_.bind_object<Session>(session, &Session::on_request);
                                         sessions_[id] = std::move(session);
                                         reply.setCalls(id);
                                         return bus::Status();
                                       });
  node_.handle<EchoRequest, EchoReply>(
      "echo.endSession", [this](bus::CallContext&, EchoRequest::Reader request, EchoReply::Builder reply) {
        // The session object dies here; its handler id answers handler_gone from now on.
        const bool existed = sessions_.erase(request.getCount()) > 0;
        reply.setCalls(existed ? 1 : 0);
        return bus::Status();
      });
  return node_.add_topic("echo.ticks", capnp::Schema::from<proto::Tick>());
}

}  // namespace skymesh::echo
