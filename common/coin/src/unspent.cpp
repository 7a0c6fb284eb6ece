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
  for (const UxOut& ux : effect.spent) {
    if (!outputs_.contains(ux_id(ux)))
      throw std::logic_error("UnspentSet::apply: spent output " + ux_id(ux).hex() + " is not unspent");
  }
  for (const UxOut& ux : effect.created) {
    if (outputs_.contains(ux_id(ux)))
      throw std::logic_error("UnspentSet::apply: created output " + ux_id(ux).hex() + " exists");
  }
  for (const UxOut& ux : effect.spent) {
    outputs_.erase(ux_id(ux));
    xor_into(ux_hash_, snapshot_hash(ux));
  }
  for (const UxOut& ux : effect.created) {
    outputs_.emplace(ux_id(ux), ux);
    xor_into(ux_hash_, snapshot_hash(ux));
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
