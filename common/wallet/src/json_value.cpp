#include "skymesh/wallet/json.hpp"

#include <sodium.h>

namespace skymesh::wallet {

namespace {

[[noreturn]] void wrong_kind(const char* wanted) {
  throw WalletException(WalletFault{WalletError::malformed_field, std::string("JSON value is not ") + wanted});
}

}  // namespace

Json Json::boolean(bool value) {
  Json j;
  j.kind_ = Kind::boolean;
  j.boolean_ = value;
  return j;
}

Json Json::number(std::string text) {
  Json j;
  j.kind_ = Kind::number;
  j.text_ = std::move(text);
  return j;
}

Json Json::string(std::string text) {
  Json j;
  j.kind_ = Kind::string;
  j.text_ = std::move(text);
  return j;
}

Json Json::array(std::vector<Json> items) {
  Json j;
  j.kind_ = Kind::array;
  j.items_ = std::move(items);
  return j;
}

Json Json::object(std::vector<Member> members) {
  Json j;
  j.kind_ = Kind::object;
  j.members_ = std::move(members);
  return j;
}

bool Json::as_bool() const {
  if (kind_ != Kind::boolean) wrong_kind("a boolean");
  return boolean_;
}

const std::string& Json::as_string() const {
  if (kind_ != Kind::string && kind_ != Kind::number) wrong_kind("a string");
  return text_;
}

const std::vector<Json>& Json::as_array() const {
  if (kind_ != Kind::array) wrong_kind("an array");
  return items_;
}

std::vector<Json>& Json::as_array() {
  if (kind_ != Kind::array) wrong_kind("an array");
  return items_;
}

const std::vector<Json::Member>& Json::as_object() const {
  if (kind_ != Kind::object) wrong_kind("an object");
  return members_;
}

std::vector<Json::Member>& Json::as_object() {
  if (kind_ != Kind::object) wrong_kind("an object");
  return members_;
}

const Json* Json::find(std::string_view key) const {
  if (kind_ != Kind::object) return nullptr;
  for (const auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Json* Json::find(std::string_view key) {
  if (kind_ != Kind::object) return nullptr;
  for (auto& [k, v] : members_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Json::set(std::string_view key, Json value) {
  if (kind_ != Kind::object) wrong_kind("an object");
  if (Json* existing = find(key)) {
    *existing = std::move(value);
    return;
  }
  members_.emplace_back(std::string(key), std::move(value));
}

void Json::erase(std::string_view key) {
  if (kind_ != Kind::object) wrong_kind("an object");
  std::erase_if(members_, [key](const Member& m) { return m.first == key; });
}

void Json::wipe() noexcept {
  if (!text_.empty()) sodium_memzero(text_.data(), text_.size());
  for (auto& item : items_) item.wipe();
  for (auto& [key, value] : members_) {
    if (!key.empty()) sodium_memzero(key.data(), key.size());
    value.wipe();
  }
}

}  // namespace skymesh::wallet
