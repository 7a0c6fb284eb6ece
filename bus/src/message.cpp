#include "skymesh/bus/message.hpp"

namespace skymesh::bus {

Status Message::status() const {
  if (kind() != Kind::ERROR) return Status();
  auto code = static_cast<ErrorCode>(envelope_.getErrorCode());
  if (code == ErrorCode::ok) code = ErrorCode::internal;
  return Status(code, std::string(to_view(envelope_.getExtra().getErrorMessage())));
}

}  // namespace skymesh::bus
