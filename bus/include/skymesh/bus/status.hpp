// Errors as values. A Status is ok or carries a stable ErrorCode plus a human message; Result<T> is a value or
// a Status. On the bus, a failed call travels as an error reply with the same code, so a caller in another
// process sees exactly what a caller in the same process would. Codes are part of the wire contract: numbers
// never change meaning and are never reused.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace skymesh::bus {

enum class ErrorCode : uint16_t {
  ok = 0,
  // Caller's fault.
  bad_request = 1,       // malformed payload, wrong field values
  bad_envelope = 2,      // the envelope itself did not decode
  unknown_method = 3,    // no handler for the method / payload type
  unknown_handler = 4,   // handler id not bound here
  handler_gone = 5,      // handler id named an object that no longer lives
  bad_payload_type = 6,  // payload schema id does not match the method's request type
  unauthorized = 7,      // security refused the caller
  not_found = 8,         // the thing asked for does not exist
  already_exists = 9,
  failed_precondition = 10,
  out_of_range = 11,  // e.g. since-N older than a log retains
  // Time and capacity.
  deadline_exceeded = 20,
  cancelled = 21,
  overloaded = 22,   // bounded queue full; retry later
  unavailable = 23,  // no live replica, peer dead, not connected
  // Our fault.
  internal = 30,
  storage = 31,  // LMDB or file I/O failed
};

// Stable lower-case name of a code, e.g. "deadline_exceeded". Used in JSON and logs.
std::string_view error_code_name(ErrorCode code);
// Parses a name produced by error_code_name; nullopt for an unknown name.
std::optional<ErrorCode> error_code_from_name(std::string_view name);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }
  bool ok() const { return code_ == ErrorCode::ok; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code_name: message"
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::ok;
  std::string message_;
};

// An exception carrying a Status, for code deep inside a handler (a storage layer, say) that cannot return one:
// the bus answers a handler that throws it with the status's code and message, as if the handler had returned
// it. Any other exception from a handler is answered `internal`.
class StatusError : public std::runtime_error {
 public:
  explicit StatusError(Status status) : std::runtime_error(status.message()), status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Status status) : state_(std::move(status)) {}
  Result(ErrorCode code, std::string message) : state_(Status(code, std::move(message))) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  // Precondition: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  // The error; an ok Status when the result holds a value.
  Status status() const { return ok() ? Status() : std::get<Status>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace skymesh::bus
