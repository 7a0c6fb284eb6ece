// Names and messages of CipherError.
#include "skymesh/cipher/error.hpp"

namespace skymesh::cipher {

std::string_view cipher_error_name(CipherError code) {
  switch (code) {
    case CipherError::invalid_length:
      return "invalid_length";
    case CipherError::invalid_hex:
      return "invalid_hex";
    case CipherError::invalid_base58:
      return "invalid_base58";
    case CipherError::invalid_checksum:
      return "invalid_checksum";
    case CipherError::invalid_version:
      return "invalid_version";
    case CipherError::invalid_secret_key:
      return "invalid_secret_key";
    case CipherError::invalid_public_key:
      return "invalid_public_key";
    case CipherError::invalid_signature:
      return "invalid_signature";
    case CipherError::high_s:
      return "high_s";
    case CipherError::invalid_recovery_id:
      return "invalid_recovery_id";
    case CipherError::public_key_mismatch:
      return "public_key_mismatch";
    case CipherError::address_mismatch:
      return "address_mismatch";
    case CipherError::null_digest:
      return "null_digest";
    case CipherError::empty_seed:
      return "empty_seed";
    case CipherError::invalid_seed_length:
      return "invalid_seed_length";
    case CipherError::invalid_path:
      return "invalid_path";
    case CipherError::hardened_from_public:
      return "hardened_from_public";
    case CipherError::max_depth:
      return "max_depth";
    case CipherError::invalid_child:
      return "invalid_child";
    case CipherError::invalid_extended_key:
      return "invalid_extended_key";
  }
  return "unknown";
}

std::string Fault::to_string() const {
  std::string out(cipher_error_name(code));
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

CipherException::CipherException(Fault fault) : std::runtime_error(fault.to_string()), code_(fault.code) {}

}  // namespace skymesh::cipher
