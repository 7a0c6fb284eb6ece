// A message as a handler or caller sees it: one decoded Envelope plus the bytes or builder that own it.
// Messages are immutable once made and shared by pointer (a channel, a promise and a reply cache may hold the
// same one). Reading a payload of the wrong type or a corrupt payload throws kj::Exception, which the bus turns
// into a bad_request error reply; the envelope's own fields were checked when the message was decoded.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>

#include "skymesh/bus/status.hpp"
#include "skymesh/proto/envelope.capnp.h"

namespace skymesh::bus {

using Kind = proto::Kind;
using StateClass = proto::StateClass;
using HandlerId = uint64_t;
using NodeId = std::array<uint8_t, 16>;

class Message {
 public:
  virtual ~Message() = default;

  proto::Envelope::Reader envelope() const { return envelope_; }
  Kind kind() const { return envelope_.getKind(); }
  // The method of a request (empty in an answer, which need not repeat it).
  std::string_view method() const { return method_; }
  // The sending node's id (16 bytes) of a request, cancel or subscription, from its frame's header; empty in
  // what a server sends back to its callers (answers, events), which come on the caller's own connection, from a
  // peer that sent none, and in a same-process call.
  std::string_view sender() const { return {reinterpret_cast<const char*>(sender_.data()), sender_size_}; }
  uint64_t request_id() const { return envelope_.getRequestId(); }
  HandlerId handler_id() const { return envelope_.getHandlerId(); }
  uint64_t payload_type() const { return envelope_.getPayloadType(); }
  // The sender's stream and this envelope's number in it (from the frame's header; 0 in a same-process call).
  uint64_t stream_id() const { return stream_id_; }
  uint64_t seq() const { return seq_; }
  // The topic sequence number of an event.
  uint64_t event_seq() const { return envelope_.getExtra().getSince(); }
  bool is_error() const { return kind() == Kind::ERROR; }
  // ok for anything but an error message; an error message's code and text otherwise.
  Status status() const;

  // The payload as struct T. Throws kj::Exception if it is not a valid T.
  template <typename T>
  typename T::Reader payload() const {
    return envelope_.getPayload().getAs<T>();
  }
  capnp::AnyPointer::Reader payload_any() const { return envelope_.getPayload(); }

  static std::string_view to_view(capnp::Text::Reader text) { return {text.cStr(), text.size()}; }

 protected:
  // Called once by the maker of a message after envelope_ is set: reads the method (each read of a pointer field
  // is a checked traversal), so it is read once per message.
  void cache_fields() { method_ = to_view(envelope_.getMethod()); }

  proto::Envelope::Reader envelope_;
  std::string_view method_;
  uint64_t stream_id_ = 0, seq_ = 0;
  std::array<uint8_t, 16> sender_{};
  uint8_t sender_size_ = 0;  // 0 or 16
};

using MessagePtr = std::shared_ptr<const Message>;

// A typed view of a reply: keeps the message alive and reads its payload as Rep.
template <typename Rep>
class Reply {
 public:
  explicit Reply(MessagePtr message) : message_(std::move(message)) {}
  typename Rep::Reader get() const { return message_->payload<Rep>(); }
  typename Rep::Reader operator*() const { return get(); }
  const MessagePtr& message() const { return message_; }

 private:
  MessagePtr message_;
};

}  // namespace skymesh::bus
