#include "skymesh/bus/status.hpp"

#include <array>

namespace skymesh::bus {
namespace {

struct CodeName {
  ErrorCode code;
  std::string_view name;
};

constexpr std::array k_code_names{
    CodeName{ErrorCode::ok, "ok"},
    CodeName{ErrorCode::bad_request, "bad_request"},
    CodeName{ErrorCode::bad_envelope, "bad_envelope"},
    CodeName{ErrorCode::unknown_method, "unknown_method"},
    CodeName{ErrorCode::unknown_handler, "unknown_handler"},
    CodeName{ErrorCode::handler_gone, "handler_gone"},
    CodeName{ErrorCode::bad_payload_type, "bad_payload_type"},
    CodeName{ErrorCode::unauthorized, "unauthorized"},
    CodeName{ErrorCode::not_found, "not_found"},
    CodeName{ErrorCode::already_exists, "already_exists"},
    CodeName{ErrorCode::failed_precondition, "failed_precondition"},
    CodeName{ErrorCode::out_of_range, "out_of_range"},
    CodeName{ErrorCode::deadline_exceeded, "deadline_exceeded"},
    CodeName{ErrorCode::cancelled, "cancelled"},
    CodeName{ErrorCode::overloaded, "overloaded"},
    CodeName{ErrorCode::unavailable, "unavailable"},
    CodeName{ErrorCode::internal, "internal"},
    CodeName{ErrorCode::storage, "storage"},
};

}  // namespace

std::string_view error_code_name(ErrorCode code) {
  for (const auto& entry : k_code_names) {
    if (entry.code == code) return entry.name;
  }
  return "unknown_code";
}

std::optional<ErrorCode> error_code_from_name(std::string_view name) {
  for (const auto& entry : k_code_names) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

std::string Status::to_string() const {
  std::string out(error_code_name(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

}  // namespace skymesh::bus
