// Owner of the one libsecp256k1 context a program uses. Create it once (it is randomised against side
// channels at birth) and pass it by const reference: signing, verification and key derivation only read it,
// so one object serves every thread.
#pragma once

#include <memory>

struct secp256k1_context_struct;

namespace skymesh::cipher {

class Secp256k1 {
 public:
  // Also calls sodium_init(); throws std::runtime_error if either library cannot start.
  Secp256k1();
  Secp256k1(const Secp256k1&) = delete;
  Secp256k1& operator=(const Secp256k1&) = delete;

  // The raw context, for callers that talk to libsecp256k1 directly (benchmarks, tools).
  const secp256k1_context_struct* get() const noexcept { return ctx_.get(); }

 private:
  struct Deleter {
    void operator()(secp256k1_context_struct* ctx) const noexcept;
  };
  std::unique_ptr<secp256k1_context_struct, Deleter> ctx_;
};

}  // namespace skymesh::cipher
