// chain.history (chain_service.hpp): the transactions that touched a set of addresses, read through the store's
// address history index, a page of whole blocks at a time.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chain_service.hpp"
#include "convert.hpp"

namespace skymesh::chain {

bus::Status ChainService::history(proto::ChainHistoryRequest::Reader request, proto::ChainHistoryReply::Builder reply) {
  auto list = request.getAddresses();
  if (list.size() == 0) return bus::Status(bus::ErrorCode::bad_request, "addresses: give at least one");
  if (list.size() > k_max_addresses_per_call) {
    return bus::Status(bus::ErrorCode::bad_request,
                       "addresses: at most " + std::to_string(k_max_addresses_per_call) + " per call");
  }
  // Each address's entries are complete up to the block it stopped at; past the earliest such block another
  // address may lack entries, so the page ends there.
  std::set<std::pair<uint64_t, uint32_t>> found;
  std::optional<uint64_t> cut;
  for (unsigned i = 0; i < list.size(); ++i) {
    auto address = read_address(list[i], "addresses[" + std::to_string(i) + "]");
    if (!address.ok()) return address.status();
    const std::vector<TxLocation> entries =
        store_.history_of(address.value(), request.getFromSeq(), k_max_history_per_call);
    for (const TxLocation& at : entries) found.emplace(at.block_seq, at.index);
    if (entries.size() >= k_max_history_per_call) {
      cut = std::min(cut.value_or(UINT64_MAX), entries.back().block_seq);
    }
  }
  if (cut) std::erase_if(found, [&cut](const auto& at) { return at.first > *cut; });
  const uint64_t head = store_.head() ? store_.head()->seq : 0;
  reply.setHeadSeq(head);
  if (cut && *cut < head) {
    reply.setMore(true);
    reply.setNextSeq(*cut + 1);
  }
  auto out = reply.initEntries(static_cast<unsigned>(found.size()));
  std::optional<coin::Block> block;
  unsigned n = 0;
  for (const auto& [seq, index] : found) {
    if (!block || block->header.seq != seq) block = store_.block_by_seq(seq);
    if (!block || index >= block->transactions.size()) {
      return bus::Status(bus::ErrorCode::internal,
                         "the history index names a missing transaction in block " + std::to_string(seq));
    }
    fill_transaction(out[n].initTransaction(), block->transactions[index], &block->header);
    out[n].setBlockSeq(seq);
    out[n].setIndex(index);
    out[n].setTime(block->header.time);
    ++n;
  }
  return bus::Status();
}

}  // namespace skymesh::chain
