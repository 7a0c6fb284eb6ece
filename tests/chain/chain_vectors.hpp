// Reading Skycoin's node-API JSON (blocks-all.golden and friends) into skymesh::coin values, for the chain tests.
// Every reader throws std::runtime_error naming the field when the JSON is not what Skycoin's API prints.
#pragma once

#include <cstdint>
#include <string_view>

#include "json_reader.hpp"
#include "skymesh/coin/coin.hpp"

namespace skymesh::test {

// "1000000.000000" -> 1000000000000 droplets; up to 6 decimals.
uint64_t parse_droplets(std::string_view text);
// A transaction object of the API ({length, type, inner_hash, sigs, inputs, outputs}); inputs may be plain ids or
// verbose objects with "uxid".
coin::Transaction transaction_from_json(const Json& txn);
// A block object ({header, body.txns}).
coin::Block block_from_json(const Json& block);

}  // namespace skymesh::test
