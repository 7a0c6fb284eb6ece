// Fuzz target for the node-API blocks reader behind `skymesh-chain --import` (services/chain/block_json.cpp):
// any text either is refused with bad_request and a message, or gives blocks whose claimed ids can be checked and
// whose binary encoding decodes back to the same block. Nothing may crash, hang or trip a sanitizer. Its corpus
// (tests/chain/block_json_corpus) also runs as the ctest block_json_corpus_test.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "block_json.hpp"

namespace {

using namespace skymesh;

// Slices longer than this do not round-trip through Skycoin's encoding (count_too_large); the rules refuse
// such a transaction anyway.
bool encodable(const coin::Block& block) {
  if (block.transactions.size() > coin::k_max_slice_length) return false;
  for (const coin::Transaction& tx : block.transactions) {
    if (tx.sigs.size() > coin::k_max_slice_length || tx.inputs.size() > coin::k_max_slice_length ||
        tx.outputs.size() > coin::k_max_slice_length) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  auto blocks = chain::read_api_blocks(json);
  if (!blocks.ok()) {
    if (blocks.status().code() != bus::ErrorCode::bad_request || blocks.status().message().empty()) std::abort();
    return 0;
  }
  for (const chain::ApiBlock& api : blocks.value()) {
    if (api.claimed.size() != api.block.transactions.size()) std::abort();
    (void)chain::check_claimed_ids(api);
    if (!encodable(api.block)) continue;
    auto again = coin::decode_block(coin::encode(api.block));
    if (!again || again.value() != api.block) std::abort();
  }
  return 0;
}
