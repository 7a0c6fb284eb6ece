// The chain store's address history index (chain_store.hpp, database `history`): address(21) -> seq || index
// for every confirmed transaction that paid the address or spent one of its outputs. Values are big-endian, so
// LMDB's dupsort order is chain order. Written with each block; built once from the stored blocks for a store
// that predates it (meta "history_index" marks it complete).
#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

#include "chain_store.hpp"

namespace skymesh::chain {
namespace {

constexpr std::string_view k_history_key = "history_index";

using Location = std::array<uint8_t, 12>;
using AddressKey = std::array<uint8_t, coin::Address::k_binary_size>;

Location location_bytes(uint64_t seq, uint32_t index) {
  Location out;
  const SeqKey key = seq_key(seq);
  std::memcpy(out.data(), key.data(), 8);
  for (int i = 0; i < 4; ++i) out[8 + i] = static_cast<uint8_t>(index >> (8 * (3 - i)));
  return out;
}

// Adds one entry per (address, transaction) of the block; owner_of names the address of a spent output, and is
// called for every input of every transaction, in block order.
void index_block(MDB_txn* txn, MDB_dbi history, const coin::Block& block,
                 const std::function<coin::Address(const coin::Sha256&)>& owner_of) {
  std::vector<AddressKey> touched;
  for (size_t i = 0; i < block.transactions.size(); ++i) {
    const coin::Transaction& tx = block.transactions[i];
    touched.clear();
    for (const coin::TransactionOutput& out : tx.outputs) touched.push_back(out.address.to_binary());
    for (const coin::Sha256& input : tx.inputs) touched.push_back(owner_of(input).to_binary());
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    const Location value = location_bytes(block.header.seq, static_cast<uint32_t>(i));
    for (const AddressKey& address : touched) {
      MDB_val k = mdb_val(cipher::ByteView(address));
      MDB_val v = mdb_val(cipher::ByteView(value));
      const int rc = mdb_put(txn, history, &k, &v, MDB_NODUPDATA);
      if (rc != MDB_KEYEXIST) check_mdb(rc, "put history");
    }
  }
}

}  // namespace

void ChainStore::index_history(MDB_txn* txn, const coin::Block& block, const coin::BlockEffect& effect) const {
  // index_block asks for the inputs' owners in block order, the order of effect.spent: each answer is the next
  // spent output, its id checked against the input asked about.
  size_t next = 0;
  index_block(txn, history_, block, [&effect, &next](const coin::Sha256& id) {
    if (next >= effect.spent.size() || effect.spent_ids[next] != id) {
      throw StoreError("chain store: block input " + id.hex() + " is not among its spends");
    }
    return effect.spent[next++].body.address;
  });
}

void ChainStore::build_history_index() {
  {
    MdbTxn read(env_, false);
    if (get(read.get(), meta_, cipher::as_bytes(k_history_key))) return;
  }
  MdbTxn txn(env_, true);
  MDB_txn* t = txn.get();
  auto owner_of = [this, t](const coin::Sha256& id) {
    auto bytes = get(t, object_, id.view());  // outputs stay in `object` after they are spent
    if (!bytes) throw StoreError("chain store: spent output " + id.hex() + " has no object");
    auto ux = coin::decode_ux_out(*bytes);
    if (!ux) throw StoreError("chain store: stored output " + id.hex() + " does not decode");
    return ux->body.address;
  };
  for (uint64_t seq = 0; head_ && seq <= head_->seq; ++seq) {
    auto hash = get(t, block_hash_, seq_key(seq));
    auto raw = hash ? get(t, object_, *hash) : std::nullopt;
    if (!raw) throw StoreError("chain store: block " + std::to_string(seq) + " is missing");
    auto block = coin::decode_block(*raw);
    if (!block) throw StoreError("chain store: block " + std::to_string(seq) + " does not decode");
    index_block(t, history_, block.value(), owner_of);
  }
  MDB_val k = mdb_val(k_history_key);
  MDB_val v = mdb_val(std::string_view("1"));
  check_mdb(mdb_put(t, meta_, &k, &v, 0), "put history_index");
  txn.commit();
}

std::vector<TxLocation> ChainStore::history_of(const coin::Address& address, uint64_t from_seq, size_t limit) const {
  MdbTxn txn(env_, false);
  MdbCursor cursor(txn.get(), history_);
  const AddressKey binary = address.to_binary();
  const SeqKey from = seq_key(from_seq);
  MDB_val k = mdb_val(cipher::ByteView(binary));
  MDB_val v = mdb_val(cipher::ByteView(from));
  std::vector<TxLocation> out;
  int rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_GET_BOTH_RANGE);
  while (rc == MDB_SUCCESS) {
    const cipher::ByteView value = bytes_of(v);
    if (value.size() != 12) throw StoreError("chain store: a history entry is not 12 bytes");
    TxLocation location;
    location.block_seq = read_seq(cipher::ByteView(value.data(), 8));
    for (int i = 0; i < 4; ++i) location.index = (location.index << 8) | value[8 + i];
    if (out.size() >= limit && location.block_seq != out.back().block_seq) break;
    out.push_back(location);
    rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT_DUP);
  }
  if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) check_mdb(rc, "mdb_cursor_get history");
  return out;
}

}  // namespace skymesh::chain
