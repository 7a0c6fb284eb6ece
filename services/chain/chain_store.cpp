#include "chain_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>

#include "lmdb_env.hpp"

namespace skymesh::chain {
namespace {

// LMDB reserves address space, not disk: the file grows only as blocks are written. Mainnet's whole chain is a
// few GiB; 64 GiB leaves room.
constexpr size_t k_map_size = size_t{1} << 36;
constexpr std::string_view k_head_key = "head";
constexpr std::string_view k_ux_hash_key = "ux_hash";
constexpr std::string_view k_unspent_count_key = "unspent_count";

coin::Bytes tx_location_bytes(uint64_t seq, uint32_t index) {
  coin::Bytes out(12);
  const SeqKey key = seq_key(seq);
  std::memcpy(out.data(), key.data(), 8);
  for (int i = 0; i < 4; ++i) out[8 + i] = static_cast<uint8_t>(index >> (8 * (3 - i)));
  return out;
}

void put(MDB_txn* txn, MDB_dbi dbi, cipher::ByteView key, cipher::ByteView value, std::string_view what) {
  MDB_val k = mdb_val(key);
  MDB_val v = mdb_val(value);
  check_mdb(mdb_put(txn, dbi, &k, &v, 0), what);
}

using AddressKey = std::array<uint8_t, coin::Address::k_binary_size>;

// Positions of ids in ascending order of the ids (equal ids in position order, so the last one written wins as in
// block order; a valid block holds none).
std::vector<uint32_t> key_order(const std::vector<coin::Sha256>& ids) {
  std::vector<uint32_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&ids](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
  return order;
}

bool by_address_then_id(const std::pair<AddressKey, const coin::Sha256*>& a,
                        const std::pair<AddressKey, const coin::Sha256*>& b) {
  if (a.first != b.first) return a.first < b.first;
  return *a.second < *b.second;
}

template <typename T>
T decode_or_throw(coin::Result<T> result, std::string_view what) {
  if (!result)
    throw StoreError("chain store: stored " + std::string(what) + " does not decode: " + result.fault().to_string());
  return std::move(result).value();
}

}  // namespace

// The rules read the unspent set through the write transaction itself, so what they see is what the block is
// written against.
class WriteView final : public coin::UnspentLookup {
 public:
  WriteView(const ChainStore& store, MDB_txn* txn) : store_(store), txn_(txn) {}
  std::optional<coin::UxOut> find_unspent(const coin::Sha256& id) const override { return store_.unspent_in(txn_, id); }
  coin::Sha256 ux_hash() const override { return store_.ux_hash_; }

 private:
  const ChainStore& store_;
  MDB_txn* txn_;
};

StoreSnapshot::~StoreSnapshot() {
  mdb_txn_abort(txn_);
}

std::optional<coin::UxOut> StoreSnapshot::find_unspent(const coin::Sha256& id) const {
  return store_.unspent_in(txn_, id);
}

coin::Sha256 StoreSnapshot::ux_hash() const {
  auto bytes = store_.get(txn_, store_.meta_, cipher::as_bytes(k_ux_hash_key));
  return bytes ? coin::Sha256::from_bytes(*bytes) : coin::Sha256();
}

std::unique_ptr<ChainStore> ChainStore::open(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw StoreError("chain store: cannot create " + dir.string() + ": " + error.message());
  std::unique_ptr<ChainStore> store(new ChainStore());
  const std::filesystem::path lock_path = dir / "skymesh.lock";
  store->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (store->lock_fd_ < 0)
    throw StoreError("chain store: cannot open " + lock_path.string() + ": " + std::strerror(errno));
  if (::flock(store->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    throw StoreError("chain store: " + dir.string() + " is already open (by this or another process)");
  }
  check_mdb(mdb_env_create(&store->env_), "mdb_env_create");
  check_mdb(mdb_env_set_mapsize(store->env_, k_map_size), "mdb_env_set_mapsize");
  check_mdb(mdb_env_set_maxdbs(store->env_, 16), "mdb_env_set_maxdbs");
  check_mdb(mdb_env_open(store->env_, dir.c_str(), MDB_NOTLS, 0644), "mdb_env_open " + dir.string());
  MdbTxn txn(store->env_, true);
  auto open_db = [&txn](const char* name, unsigned flags, MDB_dbi& dbi) {
    check_mdb(mdb_dbi_open(txn.get(), name, flags | MDB_CREATE, &dbi), std::string("mdb_dbi_open ") + name);
  };
  open_db("block_hash", 0, store->block_hash_);
  open_db("block_seq", 0, store->block_seq_);
  open_db("block_sig", 0, store->block_sig_);
  open_db("tx", 0, store->tx_);
  open_db("unspent", 0, store->unspent_);
  open_db("address", MDB_DUPSORT, store->address_);
  open_db("object", 0, store->object_);
  open_db("meta", 0, store->meta_);
  open_db("history", MDB_DUPSORT, store->history_);
  open_db("pool", 0, store->pool_);
  txn.commit();
  store->load_meta();
  store->build_history_index();
  return store;
}

ChainStore::~ChainStore() {
  if (env_ != nullptr) mdb_env_close(env_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::optional<coin::Bytes> ChainStore::get(MDB_txn* txn, MDB_dbi dbi, cipher::ByteView key) const {
  MDB_val k = mdb_val(key);
  MDB_val v;
  const int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check_mdb(rc, "mdb_get");
  const cipher::ByteView bytes = bytes_of(v);
  return coin::Bytes(bytes.begin(), bytes.end());
}

std::optional<coin::UxOut> ChainStore::unspent_in(MDB_txn* txn, const coin::Sha256& id) const {
  MDB_val k = mdb_val(id.view());
  MDB_val v;
  const int rc = mdb_get(txn, unspent_, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check_mdb(rc, "mdb_get unspent");
  return decode_or_throw(coin::decode_ux_out(bytes_of(v)), "unspent output");  // decoded in place: no copy
}

void ChainStore::load_meta() {
  MdbTxn txn(env_, false);
  head_.reset();
  ux_hash_ = coin::Sha256();
  unspent_count_ = 0;
  auto head = get(txn.get(), meta_, cipher::as_bytes(k_head_key));
  if (!head) return;
  const uint64_t seq = read_seq(*head);
  auto hash = get(txn.get(), block_hash_, seq_key(seq));
  if (!hash) throw StoreError("chain store: head block " + std::to_string(seq) + " is missing");
  auto block = get(txn.get(), object_, *hash);
  if (!block) throw StoreError("chain store: head block " + std::to_string(seq) + " has no object");
  head_ = decode_or_throw(coin::decode_block(*block), "head block").header;
  auto ux_hash = get(txn.get(), meta_, cipher::as_bytes(k_ux_hash_key));
  if (ux_hash) ux_hash_ = coin::Sha256::from_bytes(*ux_hash);
  auto count = get(txn.get(), meta_, cipher::as_bytes(k_unspent_count_key));
  if (count) unspent_count_ = read_seq(*count);
}

coin::Result<coin::BlockEffect> ChainStore::apply_block(const cipher::Secp256k1& ctx, const coin::Block& block,
                                                        const std::optional<coin::Signature>& sig,
                                                        const std::optional<coin::GenesisParams>& genesis,
                                                        const coin::RecoveredSigners* recovered) {
  MdbTxn txn(env_, true);
  const WriteView view(*this, txn.get());
  auto effect = coin::check_block(ctx, view, head_, block, genesis, recovered);
  if (!effect) return effect;  // the transaction aborts: nothing written
  write_effect(txn, block, effect.value(), sig);
  return effect;
}

void ChainStore::write_checked(const coin::Block& block, const coin::BlockEffect& effect,
                               const std::optional<coin::Signature>& sig) {
  MdbTxn txn(env_, true);
  write_effect(txn, block, effect, sig);
}

void ChainStore::write_effect(MdbTxn& txn, const coin::Block& block, const coin::BlockEffect& effect,
                              const std::optional<coin::Signature>& sig) {
  if (effect.txids.size() != block.transactions.size() || effect.spent_ids.size() != effect.spent.size() ||
      effect.created_ids.size() != effect.created.size()) {
    throw std::logic_error("chain store: an effect whose ids do not match its block (not check_block's)");
  }
  MDB_txn* t = txn.get();
  const uint64_t seq = block.header.seq;
  const SeqKey key = seq_key(seq);
  const coin::Sha256 id = coin::block_hash(block.header);
  put(t, block_hash_, key, id.view(), "put block_hash");
  put(t, block_seq_, id.view(), key, "put block_seq");
  if (sig) put(t, block_sig_, key, sig->view(), "put block_sig");
  // The block is encoded once; each transaction's object is its slice of that encoding (the transactions follow
  // the header and their u32 count back to back), stored under the id check_block hashed.
  const coin::Bytes encoded_block = coin::encode(block);
  put(t, object_, id.view(), encoded_block, "put block object");
  std::vector<cipher::ByteView> encoded_txs;
  encoded_txs.reserve(block.transactions.size());
  for (size_t offset = coin::k_block_header_size + 4; const coin::Transaction& tx : block.transactions) {
    encoded_txs.emplace_back(encoded_block.data() + offset, coin::encoded_size(tx));
    offset += encoded_txs.back().size();
  }
  // The keys are hashes, so a block's writes land all over each tree; made in key order, each one finds the
  // pages the one before it walked still in cache.
  for (const uint32_t i : key_order(effect.txids)) {
    put(t, tx_, effect.txids[i].view(), tx_location_bytes(seq, i), "put tx");
    put(t, object_, effect.txids[i].view(), encoded_txs[i], "put tx object");
  }
  for (const uint32_t i : key_order(effect.spent_ids)) {
    MDB_val k = mdb_val(effect.spent_ids[i].view());
    check_mdb(mdb_del(t, unspent_, &k, nullptr), "del unspent");
  }
  std::vector<std::pair<AddressKey, const coin::Sha256*>> addresses;
  addresses.reserve(std::max(effect.spent.size(), effect.created.size()));
  for (size_t i = 0; i < effect.spent.size(); ++i)
    addresses.emplace_back(effect.spent[i].body.address.to_binary(), &effect.spent_ids[i]);
  std::sort(addresses.begin(), addresses.end(), by_address_then_id);
  for (const auto& [address, uxid] : addresses) {
    MDB_val ak = mdb_val(cipher::ByteView(address));
    MDB_val av = mdb_val(uxid->view());
    check_mdb(mdb_del(t, address_, &ak, &av), "del address");
  }
  for (const uint32_t i : key_order(effect.created_ids)) {
    const coin::Sha256& uxid = effect.created_ids[i];
    const coin::Bytes encoded = coin::encode(effect.created[i]);
    put(t, unspent_, uxid.view(), encoded, "put unspent");
    put(t, object_, uxid.view(), encoded, "put output object");
  }
  addresses.clear();
  for (size_t i = 0; i < effect.created.size(); ++i)
    addresses.emplace_back(effect.created[i].body.address.to_binary(), &effect.created_ids[i]);
  std::sort(addresses.begin(), addresses.end(), by_address_then_id);
  for (const auto& [address, uxid] : addresses)
    put(t, address_, cipher::ByteView(address), uxid->view(), "put address");
  index_history(t, block, effect);
  const uint64_t count = unspent_count_ + effect.created.size() - effect.spent.size();
  put(t, meta_, cipher::as_bytes(k_head_key), key, "put head");
  put(t, meta_, cipher::as_bytes(k_ux_hash_key), effect.ux_hash_after.view(), "put ux_hash");
  put(t, meta_, cipher::as_bytes(k_unspent_count_key), seq_key(count), "put unspent_count");
  txn.commit();
  head_ = block.header;
  ux_hash_ = effect.ux_hash_after;
  unspent_count_ = count;
}

std::optional<coin::Sha256> ChainStore::block_hash_at(uint64_t seq) const {
  MdbTxn txn(env_, false);
  auto bytes = get(txn.get(), block_hash_, seq_key(seq));
  if (!bytes) return std::nullopt;
  return coin::Sha256::from_bytes(*bytes);
}

std::optional<coin::Block> ChainStore::block_by_hash(const coin::Sha256& id) const {
  MdbTxn txn(env_, false);
  if (!get(txn.get(), block_seq_, id.view())) return std::nullopt;  // an id of something else
  auto bytes = get(txn.get(), object_, id.view());
  if (!bytes) return std::nullopt;
  return decode_or_throw(coin::decode_block(*bytes), "block");
}

std::optional<coin::Block> ChainStore::block_by_seq(uint64_t seq) const {
  auto id = block_hash_at(seq);
  if (!id) return std::nullopt;
  return block_by_hash(*id);
}

std::optional<coin::Signature> ChainStore::block_signature(uint64_t seq) const {
  MdbTxn txn(env_, false);
  auto bytes = get(txn.get(), block_sig_, seq_key(seq));
  if (!bytes) return std::nullopt;
  return coin::Signature::from_bytes(*bytes);
}

std::optional<TxLocation> ChainStore::transaction_location(const coin::Sha256& txid) const {
  MdbTxn txn(env_, false);
  auto bytes = get(txn.get(), tx_, txid.view());
  if (!bytes) return std::nullopt;
  if (bytes->size() != 12) throw StoreError("chain store: a transaction location is not 12 bytes");
  TxLocation location;
  location.block_seq = read_seq(cipher::ByteView(bytes->data(), 8));
  for (int i = 0; i < 4; ++i) location.index = (location.index << 8) | (*bytes)[8 + i];
  return location;
}

std::optional<coin::Transaction> ChainStore::transaction(const coin::Sha256& txid) const {
  if (!transaction_location(txid)) return std::nullopt;
  auto bytes = object(txid);
  if (!bytes) return std::nullopt;
  return decode_or_throw(coin::decode_transaction(*bytes), "transaction");
}

std::optional<coin::Bytes> ChainStore::object(const coin::Sha256& id) const {
  MdbTxn txn(env_, false);
  return get(txn.get(), object_, id.view());
}

std::optional<coin::UxOut> ChainStore::find_unspent(const coin::Sha256& id) const {
  MdbTxn txn(env_, false);
  return unspent_in(txn.get(), id);
}

std::vector<coin::UxOut> ChainStore::outputs_of(const coin::Address& address) const {
  MdbTxn txn(env_, false);
  MdbCursor cursor(txn.get(), address_);
  const auto binary = address.to_binary();
  MDB_val k = mdb_val(cipher::ByteView(binary));
  MDB_val v;
  std::vector<coin::UxOut> out;
  int rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_SET_KEY);
  while (rc == MDB_SUCCESS) {
    auto ux = unspent_in(txn.get(), coin::Sha256::from_bytes(bytes_of(v)));
    if (!ux) throw StoreError("chain store: the address index names an output that is not unspent");
    out.push_back(*ux);
    rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT_DUP);
  }
  if (rc != MDB_NOTFOUND) check_mdb(rc, "mdb_cursor_get address");
  return out;
}

std::vector<coin::UxOut> ChainStore::all_unspent() const {
  MdbTxn txn(env_, false);
  MdbCursor cursor(txn.get(), unspent_);
  MDB_val k, v;
  std::vector<coin::UxOut> out;
  int rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_FIRST);
  while (rc == MDB_SUCCESS) {
    out.push_back(decode_or_throw(coin::decode_ux_out(bytes_of(v)), "unspent output"));
    rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT);
  }
  if (rc != MDB_NOTFOUND) check_mdb(rc, "mdb_cursor_get unspent");
  return out;
}

std::unique_ptr<StoreSnapshot> ChainStore::snapshot() const {
  MDB_txn* txn = nullptr;
  check_mdb(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "mdb_txn_begin");
  return std::unique_ptr<StoreSnapshot>(new StoreSnapshot(*this, txn));
}

void ChainStore::put_pool_transaction(const coin::Sha256& txid, uint64_t order, const coin::Transaction& tx) {
  const SeqKey key = seq_key(order);
  coin::Bytes value(key.begin(), key.end());
  const coin::Bytes encoded = coin::encode(tx);
  value.insert(value.end(), encoded.begin(), encoded.end());
  MdbTxn txn(env_, true);
  put(txn.get(), pool_, txid.view(), value, "put pool");
  txn.commit();
}

void ChainStore::remove_pool_transactions(const std::vector<coin::Sha256>& ids) {
  if (ids.empty()) return;
  MdbTxn txn(env_, true);
  for (const coin::Sha256& id : ids) {
    MDB_val k = mdb_val(id.view());
    const int rc = mdb_del(txn.get(), pool_, &k, nullptr);
    if (rc != MDB_NOTFOUND) check_mdb(rc, "del pool");
  }
  txn.commit();
}

std::vector<PooledTransaction> ChainStore::pool_transactions() const {
  MdbTxn txn(env_, false);
  MdbCursor cursor(txn.get(), pool_);
  MDB_val k, v;
  std::vector<PooledTransaction> out;
  int rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_FIRST);
  while (rc == MDB_SUCCESS) {
    const cipher::ByteView value = bytes_of(v);
    if (value.size() < 8) throw StoreError("chain store: a pool entry is shorter than its order");
    out.push_back({coin::Sha256::from_bytes(bytes_of(k)), read_seq(value.first(8)),
                   decode_or_throw(coin::decode_transaction(value.subspan(8)), "pool transaction")});
    rc = mdb_cursor_get(cursor.get(), &k, &v, MDB_NEXT);
  }
  if (rc != MDB_NOTFOUND) check_mdb(rc, "mdb_cursor_get pool");
  std::sort(out.begin(), out.end(),
            [](const PooledTransaction& a, const PooledTransaction& b) { return a.order < b.order; });
  return out;
}

}  // namespace skymesh::chain
