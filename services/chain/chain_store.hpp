// The chain's durable state in one LMDB environment (`DIR/chain`): blocks by seq and by hash, transactions by id,
// the unspent-output set, an address index and a content-addressed object store. Named databases:
//   block_hash  seq (8 bytes big-endian) -> block id          block_seq  block id -> seq
//   block_sig   seq -> the block-maker's 65-byte signature (absent for blocks imported without one)
//   tx          transaction id -> seq || index (u32 big-endian) of the block holding it
//   unspent     output id -> encode(UxOut)                    address    address(21) -> output id (dupsort)
//   history     address(21) -> seq || index (u32), dupsort: every confirmed transaction that paid the address or
//               spent one of its outputs, in chain order (address_history.cpp; built for older stores at open)
//   object      SHA-256 -> encoding: a block id -> encode(Block), a transaction id -> encode(Transaction), an
//               output id -> encode(UxOut) (kept after the output is spent)
//   meta        "head" -> seq, "ux_hash" -> 32 bytes, "unspent_count" -> u64
//   pool        transaction id -> order (u64 big-endian) || encode(Transaction): the unconfirmed pool's copy,
//               written (synced) before an admission is answered; it may hold transactions a block confirmed
//               since (a crash between the two writes): the pool re-checks every one at start
// Each block is written in ONE LMDB write transaction with the new head, so a crash at any instant leaves the
// previous consistent state. Not thread-safe: one owner (the reactor thread); MDB_NOTLS so a read snapshot may
// live in a fiber.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "lmdb_env.hpp"
#include "skymesh/coin/coin.hpp"

namespace skymesh::chain {

struct PooledTransaction {
  coin::Sha256 id;     // the key it is stored under
  uint64_t order = 0;  // admission order: lower is older
  coin::Transaction tx;
};

struct TxLocation {
  uint64_t block_seq = 0;
  uint32_t index = 0;  // position in the block's transactions
};

class ChainStore;

// A consistent read snapshot (one LMDB read transaction), usable as the rules' UnspentLookup.
class StoreSnapshot final : public coin::UnspentLookup {
 public:
  ~StoreSnapshot() override;
  StoreSnapshot(const StoreSnapshot&) = delete;
  StoreSnapshot& operator=(const StoreSnapshot&) = delete;

  std::optional<coin::UxOut> find_unspent(const coin::Sha256& id) const override;
  coin::Sha256 ux_hash() const override;

 private:
  friend class ChainStore;
  StoreSnapshot(const ChainStore& store, MDB_txn* txn) : store_(store), txn_(txn) {}
  const ChainStore& store_;
  MDB_txn* txn_;
};

class ChainStore {
 public:
  // Opens or creates the store in `dir` (created if missing). Throws StoreError when LMDB cannot open it, or
  // when the folder is already open elsewhere (a flock in the folder).
  static std::unique_ptr<ChainStore> open(const std::filesystem::path& dir);
  ~ChainStore();
  ChainStore(const ChainStore&) = delete;
  ChainStore& operator=(const ChainStore&) = delete;

  // The head block's header; nullopt for an empty store.
  const std::optional<coin::BlockHeader>& head() const noexcept { return head_; }
  coin::Sha256 ux_hash() const noexcept { return ux_hash_; }
  uint64_t unspent_count() const noexcept { return unspent_count_; }

  // check_block against the stored state (head, unspent set; `genesis` pins the first block), then writes the
  // block, its transactions, objects, the unspent changes and the new head in one write transaction. A broken
  // rule is returned and nothing is written. `sig` (the block-maker's signature) is stored when given; its
  // verification is the caller's. Throws StoreError when LMDB fails (then nothing is written either).
  // `recovered`: signature owners recovered beforehand (BlockPipeline does it on every core); the rules recover
  // whatever it lacks themselves.
  coin::Result<coin::BlockEffect> apply_block(const cipher::Secp256k1& ctx, const coin::Block& block,
                                              const std::optional<coin::Signature>& sig,
                                              const std::optional<coin::GenesisParams>& genesis,
                                              const coin::RecoveredSigners* recovered = nullptr);

  // Writes a block checked elsewhere (BlockPipeline::submit checks it against a read snapshot with the block
  // before it laid over) in one synced write transaction and moves the head. Precondition: `effect` is
  // check_block's for this block against exactly the stored state: the block, its transactions and outputs are
  // written under the ids it carries, not hashed again (std::logic_error, nothing written, if their counts do not
  // match the block). May run on another thread than the one that checked it, while that one only reads through
  // its own snapshot; never beside any other use of the store.
  void write_checked(const coin::Block& block, const coin::BlockEffect& effect,
                     const std::optional<coin::Signature>& sig);

  std::optional<coin::Block> block_by_seq(uint64_t seq) const;
  std::optional<coin::Block> block_by_hash(const coin::Sha256& id) const;
  std::optional<coin::Sha256> block_hash_at(uint64_t seq) const;
  std::optional<coin::Signature> block_signature(uint64_t seq) const;
  std::optional<TxLocation> transaction_location(const coin::Sha256& txid) const;
  std::optional<coin::Transaction> transaction(const coin::Sha256& txid) const;
  // The raw encoding of a block, transaction or output by its id.
  std::optional<coin::Bytes> object(const coin::Sha256& id) const;
  std::optional<coin::UxOut> find_unspent(const coin::Sha256& id) const;
  // The unspent outputs of an address, through the index (in output-id order).
  std::vector<coin::UxOut> outputs_of(const coin::Address& address) const;
  // The confirmed transactions that paid `address` or spent one of its outputs, in chain order, from block
  // `from_seq` on. Past `limit` entries it stops at the end of a block, so a block is never cut in two.
  std::vector<TxLocation> history_of(const coin::Address& address, uint64_t from_seq, size_t limit) const;
  // Every unspent output (for comparisons in tests and tools; linear).
  std::vector<coin::UxOut> all_unspent() const;

  std::unique_ptr<StoreSnapshot> snapshot() const;

  // The unconfirmed pool's copy. Each change is one synced write transaction; removing an absent id is no error.
  void put_pool_transaction(const coin::Sha256& txid, uint64_t order, const coin::Transaction& tx);
  void remove_pool_transactions(const std::vector<coin::Sha256>& ids);
  // Every stored pool transaction, oldest first.
  std::vector<PooledTransaction> pool_transactions() const;

 private:
  friend class StoreSnapshot;
  friend class WriteView;
  ChainStore() = default;
  void load_meta();
  std::optional<coin::Bytes> get(MDB_txn* txn, MDB_dbi dbi, cipher::ByteView key) const;
  std::optional<coin::UxOut> unspent_in(MDB_txn* txn, const coin::Sha256& id) const;
  // address_history.cpp: adds the block's transactions to `history` (inside apply_block's write transaction);
  // `effect` names the outputs the block spends, whose addresses the inputs do not carry.
  void index_history(MDB_txn* txn, const coin::Block& block, const coin::BlockEffect& effect) const;
  // Fills `history` from the stored blocks once, for a store written before the index existed.
  void build_history_index();
  // Writes block and effect in txn, commits it, moves the head.
  void write_effect(MdbTxn& txn, const coin::Block& block, const coin::BlockEffect& effect,
                    const std::optional<coin::Signature>& sig);

  int lock_fd_ = -1;
  MDB_env* env_ = nullptr;
  MDB_dbi block_hash_ = 0, block_seq_ = 0, block_sig_ = 0, tx_ = 0, unspent_ = 0, address_ = 0, object_ = 0, meta_ = 0,
          history_ = 0, pool_ = 0;
  std::optional<coin::BlockHeader> head_;
  coin::Sha256 ux_hash_;
  uint64_t unspent_count_ = 0;
};

}  // namespace skymesh::chain
