#include "skymesh/consensus/trust_file.hpp"

#include <fstream>
#include <sstream>

#include "skymesh/toml/toml.hpp"

namespace skymesh::consensus {
namespace {

ConsensusFault member_error(const std::string& source, int line, const std::string& what) {
  return ConsensusFault{ConsensusError::invalid_trust_set, source + ":" + std::to_string(line) + ": " + what};
}

}  // namespace

Result<std::vector<TrustMember>> parse_trust_file(const cipher::Secp256k1& ctx, std::string_view text,
                                                  const std::string& source) {
  auto parsed = toml::parse(text, source);
  if (!parsed.ok()) {
    return ConsensusFault{ConsensusError::invalid_trust_set, parsed.error().to_string()};
  }
  const toml::Value* nodes = parsed.table().find("node");
  const toml::Array* list = nodes ? nodes->as_array() : nullptr;
  if (list == nullptr || list->empty()) {
    return ConsensusFault{ConsensusError::invalid_trust_set, source + " holds no [[node]] table"};
  }
  std::vector<TrustMember> members;
  for (const toml::Value& entry : *list) {
    const toml::Table* table = entry.as_table();
    if (table == nullptr) return member_error(source, entry.line(), "node must be a table");
    const toml::Value* key = table->find("public_key");
    const toml::Value* endpoint = table->find("endpoint");
    const toml::Value* bus_key = table->find("bus_key");
    if (key == nullptr || key->as_string() == nullptr) {
      return member_error(source, entry.line(), "public_key (hex string) is required");
    }
    auto public_key = cipher::PublicKey::try_from_hex(ctx, *key->as_string());
    if (!public_key) return member_error(source, key->line(), "public_key: " + public_key.fault().to_string());
    if (endpoint == nullptr || endpoint->as_string() == nullptr || endpoint->as_string()->empty()) {
      return member_error(source, entry.line(), "endpoint (string) is required");
    }
    if (bus_key != nullptr && bus_key->as_string() == nullptr) {
      return member_error(source, bus_key->line(), "bus_key must be a string");
    }
    members.push_back(
        TrustMember{public_key.value(), *endpoint->as_string(), bus_key ? *bus_key->as_string() : std::string()});
  }
  return members;
}

Result<std::vector<TrustMember>> read_trust_file(const cipher::Secp256k1& ctx, const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return ConsensusFault{ConsensusError::invalid_trust_set, "cannot read " + path.string()};
  std::stringstream text;
  text << in.rdbuf();
  return parse_trust_file(ctx, text.str(), path.string());
}

Result<TrustSet> trust_set_of(const std::vector<TrustMember>& members) {
  std::vector<cipher::PublicKey> keys;
  keys.reserve(members.size());
  for (const TrustMember& member : members) keys.push_back(member.public_key);
  return TrustSet::create(std::move(keys));
}

}  // namespace skymesh::consensus
