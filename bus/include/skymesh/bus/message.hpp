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
  std::string_view method() const { return method_; }
  // The sending node's id (16 bytes) of a request, cancel or subscription; empty in what a server sends back to
  // its callers (answers, events), which come on the caller's own connection, and from a peer that sent none.
  std::string_view sender() const { return sender_; }
  uint64_t request_id() const { return envelope_.getRequestId(); }
  HandlerId handler_id() const { return envelope_.getHandlerId(); }
  uint64_t payload_type() const { return envelope_.getPayloadType(); }
  uint64_t seq() const { return envelope_.getSeq(); }
  // The topic sequence number of an event.
  uint64_t event_seq() const { return envelope_.getSince(); }
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
  // Called once by the maker of a message after envelope_ is set: reads the pointer fields every layer needs
  // (each read of a pointer field is a checked traversal), so they are read once per message.
  void cache_fields() {
    method_ = to_view(envelope_.getMethod());
    auto sender = envelope_.getSender();
    sender_ = std::string_view(reinterpret_cast<const char*>(sender.begin()), sender.size());
  }

  proto::Envelope::Reader envelope_;
  std::string_view method_;
  std::string_view sender_;
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
