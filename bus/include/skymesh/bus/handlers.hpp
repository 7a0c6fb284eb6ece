// The four ways a message reaches code (the design brief's dispatch kinds):
//   1. a default function per method (and so per request type): Node::handle<Req, Rep>(...)   [node.hpp]
//   2. an event channel per handler id: messages tagged with the id go into a Boost.Fiber channel a fiber reads
//   3. a function instance per handler id: messages tagged with the id call one specific closure
//   4. a method of a live object per handler id: held weakly; once the object dies, a request for it gets
//      handler_gone and the binding is dropped, never a crash.
// A handler id tags the answers to a request (the caller's reply-to, echoed by every reply, streamItem and
// event) or, as an Envelope.target, names the function or object a request is for on the receiving node.
#pragma once

#include <functional>
#include <memory>

#include <capnp/any.h>
#include <boost/fiber/buffered_channel.hpp>

#include "skymesh/bus/message.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::bus {

// A message delivered to a bound handler (kinds 2-4). If it is a request, exactly one answer is expected:
// reply<Rep>() or fail(); a request dropped unanswered is answered with `internal` when the last copy of the
// Incoming is destroyed, so a caller never waits for nothing.
class Incoming {
 public:
  virtual ~Incoming() = default;
  const Message& message() const { return *message_; }
  const MessagePtr& message_ptr() const { return message_; }
  bool is_request() const { return message_->kind() == Kind::REQUEST; }

  template <typename Rep, typename Fill>
  Status reply(Fill&& fill) {
    return reply_raw(capnp::typeId<Rep>(),
                     [&fill](capnp::AnyPointer::Builder payload) { fill(payload.initAs<Rep>()); });
  }
  virtual Status reply_raw(uint64_t payload_type, const std::function<void(capnp::AnyPointer::Builder)>& fill) = 0;
  virtual Status fail(Status error) = 0;

 protected:
  explicit Incoming(MessagePtr message) : message_(std::move(message)) {}
  MessagePtr message_;
};

using IncomingPtr = std::shared_ptr<Incoming>;
using IncomingChannel = boost::fibers::buffered_channel<IncomingPtr>;
using BoundFunction = std::function<void(Incoming&)>;

// Kind 4 helper: binds `method` of the object `weak` points to. The binding keeps only a weak reference.
template <typename T>
BoundFunction object_method(std::weak_ptr<T> weak, void (T::*method)(Incoming&)) {
  return [weak = std::move(weak), method](Incoming& incoming) {
    std::shared_ptr<T> object = weak.lock();
    if (!object) {
      (void)incoming.fail(Status(ErrorCode::handler_gone, "the object this handler id named no longer exists"));
      return;
    }
    ((*object).*method)(incoming);
  };
}

}  // namespace skymesh::bus
