// Skycoin blocks: header {version, time, seq, fee, prev hash, body hash, ux hash}, body (the transactions), and
// the signed form that carries the block-maker's signature over the header hash. A block's id is the SHA-256 of
// its encoded header; the body hash is the Merkle root of the transaction ids (cipher::merkle_root).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/coin/params.hpp"
#include "skymesh/coin/transaction.hpp"
#include "skymesh/coin/ux_out.hpp"

namespace skymesh::coin {

struct BlockHeader {
  uint32_t version = 0;
  uint64_t time = 0;  // unix seconds; strictly increasing along the chain
  uint64_t seq = 0;   // 0 for genesis, then +1 per block
  uint64_t fee = 0;   // coin hours burned by the block's transactions
  Sha256 prev_hash;   // id of the previous block (zero for genesis)
  Sha256 body_hash;   // Merkle root of the transaction ids
  Sha256 ux_hash;     // unspent-set hash before this block (see UnspentSet)

  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

struct Block {
  BlockHeader header;
  std::vector<Transaction> transactions;  // at most 65535

  friend bool operator==(const Block&, const Block&) = default;
};

struct SignedBlock {
  Block block;
  Signature sig;  // block-maker's signature over block_hash(block.header)

  friend bool operator==(const SignedBlock&, const SignedBlock&) = default;
};

inline constexpr std::size_t k_block_header_size = 4 + 8 + 8 + 8 + 32 + 32 + 32;

Bytes encode(const BlockHeader& header);
Bytes encode(const Block& block);        // header || u32 count || transactions
Bytes encode(const SignedBlock& block);  // block || signature(65)
// Exactly one value each: truncated, trailing_bytes, count_too_large on malformed bytes.
Result<BlockHeader> decode_block_header(ByteView bytes);
Result<Block> decode_block(ByteView bytes);
Result<SignedBlock> decode_signed_block(ByteView bytes);

// SHA-256 of the encoded header: the block id.
Sha256 block_hash(const BlockHeader& header);
// Merkle root of the transaction ids.
Sha256 body_hash(std::span<const Transaction> transactions);
// Sum of the transactions' encoded sizes (what Skycoin's API calls a block's size).
uint64_t block_size(const Block& block);

// The outputs tx creates in the block with this header (head time and seq; the genesis block's outputs name the
// zero hash as their source transaction, as Skycoin's).
std::vector<UxOut> create_unspents(const BlockHeader& header, const Transaction& tx);
// The same with tx's id already known (txid == transaction_id(tx); not checked), so it is not hashed again.
std::vector<UxOut> create_unspents(const BlockHeader& header, const Transaction& tx, const Sha256& txid);

// Skycoin's NewGenesisBlock: one transaction with no inputs and one output {address, coins, hours = coins}, whose
// Length and InnerHash stay zero; seq 0, version 0, fee 0, zero prev and ux hashes.
Block make_genesis_block(const GenesisParams& genesis);

// Signs block_hash(block.header) with the block-making key. Throws cipher::CipherException only for a null hash.
SignedBlock sign_block(const cipher::Secp256k1& ctx, Block block, const cipher::SecretKey& key);
// block_signature_invalid unless sig was made over the header hash by key.
Check verify_block_signature(const cipher::Secp256k1& ctx, const cipher::PublicKey& key, const SignedBlock& block);

}  // namespace skymesh::coin
