// Blocks in the JSON of Skycoin's node API (`/api/v1/blocks`: {"blocks":[{"header":{...},"body":{"txns":[...]}}]},
// the shape of blocks-all.golden), read into coin values with the ids the file claims, so an import can prove it
// reproduces every block hash, transaction id and output id. Parsed with Cap'n Proto's JSON codec, whose numbers
// are doubles: an integer above 2^53 cannot be read exactly and is refused rather than misread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "skymesh/bus/status.hpp"
#include "skymesh/coin/coin.hpp"

namespace skymesh::chain {

struct ApiTransaction {
  coin::Sha256 txid;                // as claimed by the file
  std::vector<coin::Sha256> uxids;  // one per output, as claimed
};

struct ApiBlock {
  coin::Block block;
  coin::Sha256 hash;  // header.block_hash as claimed
  std::vector<ApiTransaction> claimed;
};

// "1000000.000000" -> droplets; at most 6 decimals; nullopt on anything else.
std::optional<uint64_t> parse_droplets(std::string_view text);

// Every block of the document, in file order. bad_request naming the block index and field when the JSON is
// malformed or a field is missing or of the wrong type, length or range.
bus::Result<std::vector<ApiBlock>> read_api_blocks(std::string_view json);

// Empty when the recomputed block hash, transaction ids and output ids all equal the claimed ones; otherwise a
// message naming the first that differs.
std::string check_claimed_ids(const ApiBlock& block);

}  // namespace skymesh::chain
