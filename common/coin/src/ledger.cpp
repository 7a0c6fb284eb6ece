// Block validation against an unspent set, pool checks, block making and the in-memory ledger.
#include "skymesh/coin/ledger.hpp"

#include <set>
#include <unordered_set>

namespace skymesh::coin {
namespace {

CoinFault in_transaction(std::size_t index, const Sha256& txid, const CoinFault& f) {
  return CoinFault{f.code, "transaction " + std::to_string(index) + " (" + txid.hex() + "): " + f.message};
}

CoinFault in_transaction(std::size_t index, const Transaction& tx, const CoinFault& f) {
  return in_transaction(index, transaction_id(tx), f);
}

Result<BlockEffect> check_genesis(const UnspentLookup& unspent, const Block& block,
                                  const std::optional<GenesisParams>& genesis) {
  const BlockHeader& h = block.header;
  if (h.seq != 0) return CoinFault{CoinError::block_seq_invalid, "first block has seq " + std::to_string(h.seq)};
  if (!h.prev_hash.is_null()) return CoinFault{CoinError::prev_hash_mismatch, "genesis block names a previous block"};
  if (block.transactions.empty()) return CoinFault{CoinError::no_transactions, "genesis block has no transactions"};
  if (h.body_hash != body_hash(block.transactions)) {
    return CoinFault{CoinError::body_hash_mismatch, "genesis body hash does not match its transaction"};
  }
  if (block.transactions.size() != 1 || !block.transactions[0].inputs.empty() || !block.transactions[0].sigs.empty() ||
      block.transactions[0].outputs.empty()) {
    return CoinFault{CoinError::invalid_genesis, "a genesis block holds one transaction with outputs and no inputs"};
  }
  if (h.ux_hash != unspent.ux_hash()) {
    return CoinFault{CoinError::ux_hash_mismatch, "genesis ux hash " + h.ux_hash.hex() + " is not the empty set's"};
  }
  if (genesis && block_hash(h) != block_hash(make_genesis_block(*genesis).header)) {
    return CoinFault{CoinError::genesis_mismatch, "block " + block_hash(h).hex() + " is not this network's genesis " +
                                                      block_hash(make_genesis_block(*genesis).header).hex()};
  }
  BlockEffect effect;
  effect.created = create_unspents(h, block.transactions[0]);
  effect.txids.push_back(transaction_id(block.transactions[0]));
  effect.fees.push_back(0);
  effect.ux_hash_after = unspent.ux_hash();
  for (const UxOut& ux : effect.created) {
    const Sha256 id = ux_id(ux);
    if (unspent.find_unspent(id))
      return CoinFault{CoinError::output_collides_unspent, "output " + id.hex() + " exists"};
    effect.created_ids.push_back(id);
    xor_into(effect.ux_hash_after, snapshot_hash(ux));
  }
  return effect;
}

}  // namespace

Result<std::vector<UxOut>> find_inputs(const UnspentLookup& unspent, const Transaction& tx) {
  std::vector<UxOut> spent;
  spent.reserve(tx.inputs.size());
  for (std::size_t i = 0; i < tx.inputs.size(); ++i) {
    auto ux = unspent.find_unspent(tx.inputs[i]);
    if (!ux) {
      return CoinFault{CoinError::input_not_found,
                       "input " + std::to_string(i) + " spends " + tx.inputs[i].hex() + ", which is not unspent"};
    }
    spent.push_back(std::move(*ux));
  }
  return spent;
}

Result<BlockEffect> check_block(const cipher::Secp256k1& ctx, const UnspentLookup& unspent,
                                const std::optional<BlockHeader>& head, const Block& block,
                                const std::optional<GenesisParams>& genesis, const RecoveredSigners* recovered) {
  if (!head) return check_genesis(unspent, block, genesis);
  // Each transaction is encoded and hashed once, here: its id serves the body hash, the ids of the outputs it
  // creates, the messages and the effect (whose ids the store writes under).
  std::vector<Sha256> txids;
  txids.reserve(block.transactions.size());
  for (const Transaction& tx : block.transactions) txids.push_back(transaction_id(tx));
  if (Check header = check_block_header(*head, block, txids); !header) return header.fault();
  if (block.transactions.empty()) return CoinFault{CoinError::no_transactions, "block has no transactions"};

  BlockEffect effect;
  std::unordered_set<Sha256, Sha256Hasher> created_ids;
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    const Transaction& tx = block.transactions[i];
    auto spent = find_inputs(unspent, tx);
    if (!spent) return in_transaction(i, txids[i], spent.fault());
    if (Check hard = check_transaction_hard(ctx, tx, *head, spent.value(), TxContext::in_block, recovered); !hard) {
      return in_transaction(i, txids[i], hard.fault());
    }
    for (UxOut& ux : create_unspents(block.header, tx, txids[i])) {
      const Sha256 id = ux_id(ux);
      if (unspent.find_unspent(id)) {
        return in_transaction(i, txids[i],
                              {CoinError::output_collides_unspent, "output " + id.hex() + " already exists"});
      }
      if (!created_ids.insert(id).second) {
        return in_transaction(i, txids[i],
                              {CoinError::duplicate_output_in_block,
                               "output " + id.hex() + " is created by an earlier transaction of the block"});
      }
      effect.created.push_back(std::move(ux));
      effect.created_ids.push_back(id);
    }
    // Blocks from the chain may hold transactions whose fee overflows; their fee counts as 0.
    auto fee = transaction_fee(tx, head->time, spent.value());
    effect.fees.push_back(fee ? fee.value() : 0);
    effect.fee += effect.fees.back();
    for (UxOut& ux : spent.value()) effect.spent.push_back(std::move(ux));
    // The hard rules checked ux_id(spent[k]) == inputs[k].
    effect.spent_ids.insert(effect.spent_ids.end(), tx.inputs.begin(), tx.inputs.end());
  }
  std::unordered_set<Sha256, Sha256Hasher> spent_ids;
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    for (const Sha256& id : block.transactions[i].inputs) {
      if (!spent_ids.insert(id).second) {
        return in_transaction(
            i, txids[i], {CoinError::double_spend_in_block, "output " + id.hex() + " is spent twice in the block"});
      }
    }
  }
  if (block.header.ux_hash != unspent.ux_hash()) {
    return CoinFault{CoinError::ux_hash_mismatch,
                     "block ux hash " + block.header.ux_hash.hex() + ", unspent set hash " + unspent.ux_hash().hex()};
  }
  effect.ux_hash_after = unspent.ux_hash();
  for (const UxOut& ux : effect.spent) xor_into(effect.ux_hash_after, snapshot_hash(ux));
  for (const UxOut& ux : effect.created) xor_into(effect.ux_hash_after, snapshot_hash(ux));
  effect.txids = std::move(txids);
  return effect;
}

Result<uint64_t> check_pool_transaction(const cipher::Secp256k1& ctx, const UnspentLookup& unspent,
                                        const BlockHeader& head, const Transaction& tx, const SoftRules& rules,
                                        const RecoveredSigners* recovered) {
  auto spent = find_inputs(unspent, tx);
  if (!spent) return spent.fault();
  if (Check hard = check_transaction_hard(ctx, tx, head, spent.value(), TxContext::single, recovered); !hard) {
    return hard.fault();
  }
  // The ids the outputs will have in the next block (Skycoin checks them with the head's header, which names a
  // zero source at seq 0; the ids below are the real ones).
  const Sha256 txid = transaction_id(tx);
  for (const TransactionOutput& o : tx.outputs) {
    if (unspent.find_unspent(output_id(txid, o))) {
      return CoinFault{CoinError::output_collides_unspent, "output " + output_id(txid, o).hex() + " already exists"};
    }
  }
  if (Check soft = check_transaction_soft(tx, head.time, spent.value(), rules); !soft) return soft.fault();
  return transaction_fee(tx, head.time, spent.value());
}

Result<Block> make_block(const cipher::Secp256k1& ctx, const UnspentLookup& unspent, const BlockHeader& head,
                         std::vector<Transaction> txs, uint64_t time, const SoftRules& rules,
                         const RecoveredSigners* recovered) {
  if (txs.empty()) return CoinFault{CoinError::no_transactions, "no transactions to make a block of"};
  // The pool checks and the final check_block would each recover every signature: recover them once.
  RecoveredSigners own;
  if (recovered == nullptr) {
    own = recover_signers(ctx, txs);
    recovered = &own;
  }
  if (time <= head.time) {
    return CoinFault{CoinError::block_time_not_increasing,
                     "time " + std::to_string(time) + " not after head time " + std::to_string(head.time)};
  }
  Block block;
  uint64_t size = 0;
  std::set<Sha256> spent_ids;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    auto fee = check_pool_transaction(ctx, unspent, head, txs[i], rules, recovered);
    if (!fee) return in_transaction(i, txs[i], fee.fault());
    for (const Sha256& id : txs[i].inputs) {
      if (!spent_ids.insert(id).second) {
        return in_transaction(i, txs[i], {CoinError::double_spend_in_block, "output " + id.hex() + " spent twice"});
      }
    }
    block.header.fee += fee.value();
    size += encoded_size(txs[i]);
  }
  if (size > rules.max_block_size) {
    return CoinFault{CoinError::block_too_large, "transactions take " + std::to_string(size) + " bytes, at most " +
                                                     std::to_string(rules.max_block_size)};
  }
  block.transactions = std::move(txs);
  block.header.version = head.version;
  block.header.time = time;
  block.header.seq = head.seq + 1;
  block.header.prev_hash = block_hash(head);
  block.header.body_hash = body_hash(block.transactions);
  block.header.ux_hash = unspent.ux_hash();
  if (auto checked = check_block(ctx, unspent, head, block, std::nullopt, recovered); !checked) {
    return checked.fault();
  }
  return block;
}

Result<BlockEffect> Ledger::apply_block(const cipher::Secp256k1& ctx, const Block& block) {
  auto effect = check_block(ctx, unspent_, head_, block, genesis_);
  if (!effect) return effect;
  unspent_.apply(effect.value());
  head_ = block.header;
  return effect;
}

Result<BlockEffect> Ledger::apply_signed_block(const cipher::Secp256k1& ctx, const cipher::PublicKey& maker,
                                               const SignedBlock& block) {
  if (Check signature = verify_block_signature(ctx, maker, block); !signature) return signature.fault();
  return apply_block(ctx, block.block);
}

}  // namespace skymesh::coin
