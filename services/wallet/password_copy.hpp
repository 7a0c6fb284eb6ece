// A password copied out of a request so a worker thread can use it (Cap'n Proto readers stay on the reactor
// thread), wiped with sodium_memzero when the copy goes.
#pragma once

#include <sodium.h>

#include <string>

#include <capnp/blob.h>

namespace skymesh::wallet_service {

class PasswordCopy {
 public:
  explicit PasswordCopy(capnp::Text::Reader text) : text_(text.cStr(), text.size()) {}
  ~PasswordCopy() { sodium_memzero(text_.data(), text_.size()); }
  PasswordCopy(const PasswordCopy&) = delete;
  PasswordCopy& operator=(const PasswordCopy&) = delete;

  const std::string& get() const { return text_; }

 private:
  std::string text_;
};

}  // namespace skymesh::wallet_service
