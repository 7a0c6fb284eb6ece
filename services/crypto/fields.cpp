#include "fields.hpp"

namespace skymesh::crypto {

bus::Status bad_field(std::string_view field, std::string_view message) {
  std::string text(field);
  text += ": ";
  text += message;
  return bus::Status(bus::ErrorCode::bad_request, std::move(text));
}

bus::Result<cipher::Sha256> read_digest(capnp::Data::Reader data, std::string_view field) {
  auto digest = cipher::Sha256::try_from_bytes(view(data));
  if (!digest) return bad_field(field, digest.message());
  return digest.value();
}

bus::Result<cipher::Signature> read_signature(capnp::Data::Reader data, std::string_view field) {
  auto signature = cipher::Signature::try_from_bytes(view(data));
  if (!signature) return bad_field(field, signature.message());
  return signature.value();
}

bus::Result<cipher::SecretKey> read_secret(capnp::Data::Reader data, std::string_view field) {
  auto secret = cipher::SecretKey::try_from_bytes(view(data));
  if (!secret) return bad_field(field, secret.message());
  return std::move(secret).value();
}

bus::Result<cipher::PublicKey> read_public(const cipher::Secp256k1& ctx, capnp::Data::Reader data,
                                           std::string_view field) {
  auto key = cipher::PublicKey::try_from_bytes(ctx, view(data));
  if (!key) return bad_field(field, key.message());
  return key.value();
}

bus::Result<cipher::Address> read_address(std::string_view text, std::string_view field) {
  auto address = cipher::Address::try_from_base58(text);
  if (!address) return bad_field(field, address.fault().to_string());
  return address.value();
}

bus::Status require_one_of_public_address(capnp::Data::Reader public_key, capnp::Text::Reader address) {
  const bool has_public = public_key.size() > 0;
  const bool has_address = address.size() > 0;
  if (has_public && has_address) return bad_field("public, address", "give one of them, not both");
  if (!has_public && !has_address) return bad_field("public, address", "one of them is required");
  return bus::Status();
}

}  // namespace skymesh::crypto
