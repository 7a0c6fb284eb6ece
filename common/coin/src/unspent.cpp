// The in-memory unspent-output set.
#include "skymesh/coin/unspent.hpp"

#include <stdexcept>

namespace skymesh::coin {

void xor_into(Sha256& a, const Sha256& b) {
  for (std::size_t i = 0; i < Sha256::k_size; ++i) a.bytes()[i] ^= b.bytes()[i];
}

std::optional<UxOut> UnspentSet::find_unspent(const Sha256& id) const {
  auto it = outputs_.find(id);
  if (it == outputs_.end()) return std::nullopt;
  return it->second;
}

void UnspentSet::apply(const BlockEffect& effect) {
  if (effect.spent_ids.size() != effect.spent.size() || effect.created_ids.size() != effect.created.size()) {
    throw std::logic_error("UnspentSet::apply: the effect's ids do not match its outputs");
  }
  for (const Sha256& id : effect.spent_ids) {
    if (!outputs_.contains(id))
      throw std::logic_error("UnspentSet::apply: spent output " + id.hex() + " is not unspent");
  }
  for (const Sha256& id : effect.created_ids) {
    if (outputs_.contains(id)) throw std::logic_error("UnspentSet::apply: created output " + id.hex() + " exists");
  }
  for (std::size_t i = 0; i < effect.spent.size(); ++i) {
    outputs_.erase(effect.spent_ids[i]);
    xor_into(ux_hash_, snapshot_hash(effect.spent[i]));
  }
  for (std::size_t i = 0; i < effect.created.size(); ++i) {
    outputs_.emplace(effect.created_ids[i], effect.created[i]);
    xor_into(ux_hash_, snapshot_hash(effect.created[i]));
  }
}

std::vector<UxOut> UnspentSet::outputs_of(const Address& address) const {
  std::vector<UxOut> out;
  for (const auto& [id, ux] : outputs_) {
    if (ux.body.address == address) out.push_back(ux);
  }
  return out;
}

}  // namespace skymesh::coin
