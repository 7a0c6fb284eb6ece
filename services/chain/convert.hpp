// Between coin values and the chain schema (proto/chain.capnp), and reading request fields with errors that name
// the field (bad_request).
#pragma once

#include <optional>
#include <string_view>

#include "skymesh/bus/status.hpp"
#include "skymesh/coin/coin.hpp"
#include "skymesh/proto/chain.capnp.h"

namespace skymesh::chain {

inline capnp::Data::Reader data_of(coin::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}
inline coin::ByteView view_of(capnp::Data::Reader data) {
  return coin::ByteView(data.begin(), data.size());
}

// header: the block holding tx (its output ids then come from create_unspents), or nullptr for a pool one.
void fill_transaction(proto::ChainTransaction::Builder out, const coin::Transaction& tx,
                      const coin::BlockHeader* header);
void fill_block(proto::ChainBlock::Builder out, const coin::Block& block, const std::optional<coin::Signature>& sig);
// Coin hours at head_time; an output whose hours overflow reports its creation hours.
void fill_unspent(proto::ChainUnspent::Builder out, const coin::UxOut& ux, uint64_t head_time);

// A 32-byte id; bad_request "FIELD: ..." otherwise.
bus::Result<coin::Sha256> read_id(capnp::Data::Reader data, std::string_view field);
// A base58 Skycoin address; bad_request "FIELD: ..." otherwise.
bus::Result<coin::Address> read_address(capnp::Text::Reader text, std::string_view field);

}  // namespace skymesh::chain
