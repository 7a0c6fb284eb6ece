// What a handler knows about the call it is serving, and how it answers. One CallContext per request; it lives
// until the handler returns. A handler that makes downstream calls passes nothing: the deadline and trace id
// of the call being served are inherited by every call made from the handler's fiber.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <capnp/any.h>

#include "skymesh/bus/message.hpp"
#include "skymesh/bus/status.hpp"

namespace skymesh::bus {

class Node;

class CallContext {
 public:
  virtual ~CallContext() = default;

  const Message& request() const { return *request_; }
  const MessagePtr& request_ptr() const { return request_; }
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  uint64_t trace_id() const { return request_->envelope().getTraceId(); }
  // True once the caller sent a cancel (it gave up); the handler may stop early. Its reply is not sent.
  bool cancelled() const { return *cancelled_; }
  Node& node() const { return node_; }

  // Streaming handlers: sends one partial answer (a streamItem) before the final reply. Blocks this fiber
  // only while the outgoing queue is full (push back); fails once the caller is gone or the deadline passed.
  template <typename T, typename Fill>
  Status emit(Fill&& fill) {
    return emit_raw(capnp::typeId<T>(), [&fill](capnp::AnyPointer::Builder payload) { fill(payload.initAs<T>()); });
  }
  virtual Status emit_raw(uint64_t payload_type, const std::function<void(capnp::AnyPointer::Builder)>& fill) = 0;

 protected:
  CallContext(Node& node, MessagePtr request, std::chrono::steady_clock::time_point deadline,
              std::shared_ptr<bool> cancelled)
      : node_(node), request_(std::move(request)), deadline_(deadline), cancelled_(std::move(cancelled)) {}

  Node& node_;
  MessagePtr request_;
  std::chrono::steady_clock::time_point deadline_;
  std::shared_ptr<bool> cancelled_;
};

// The deadline and trace id inherited by calls made from the current fiber (set while a handler runs).
struct CallScope {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  uint64_t trace_id = 0;
};
// The current fiber's scope; a default scope outside handlers.
CallScope current_call_scope();

}  // namespace skymesh::bus
