// Block encoding, hashes, genesis and block signatures.
#include "skymesh/coin/block.hpp"

namespace skymesh::coin {
namespace {

void encode_header(Encoder& out, const BlockHeader& h) {
  out.u32(h.version);
  out.u64(h.time);
  out.u64(h.seq);
  out.u64(h.fee);
  out.raw(h.prev_hash.view());
  out.raw(h.body_hash.view());
  out.raw(h.ux_hash.view());
}

void decode_header(Decoder& in, BlockHeader& h) {
  h.version = in.u32();
  h.time = in.u64();
  h.seq = in.u64();
  h.fee = in.u64();
  in.raw(h.prev_hash.bytes(), "prev hash");
  in.raw(h.body_hash.bytes(), "body hash");
  in.raw(h.ux_hash.bytes(), "ux hash");
}

void encode_block(Encoder& out, const Block& block) {
  encode_header(out, block.header);
  out.count(block.transactions.size());
  for (const Transaction& tx : block.transactions) encode_to(out, tx);
}

void decode_block_from(Decoder& in, Block& block) {
  decode_header(in, block.header);
  // A transaction is at least 49 bytes (no signatures, inputs or outputs).
  block.transactions.resize(in.count(k_max_slice_length, 49, "transactions"));
  for (Transaction& tx : block.transactions) {
    if (!in.ok()) break;
    decode_from(in, tx);
  }
}

std::size_t block_encoded_size(const Block& block) {
  return k_block_header_size + 4 + static_cast<std::size_t>(block_size(block));
}

}  // namespace

Bytes encode(const BlockHeader& header) {
  Encoder out(k_block_header_size);
  encode_header(out, header);
  return std::move(out).take();
}

Bytes encode(const Block& block) {
  Encoder out(block_encoded_size(block));
  encode_block(out, block);
  return std::move(out).take();
}

Bytes encode(const SignedBlock& block) {
  Encoder out(block_encoded_size(block.block) + Signature::k_size);
  encode_block(out, block.block);
  out.raw(block.sig.view());
  return std::move(out).take();
}

Result<BlockHeader> decode_block_header(ByteView bytes) {
  return decode_exact<BlockHeader>(bytes, decode_header);
}

Result<Block> decode_block(ByteView bytes) {
  return decode_exact<Block>(bytes, decode_block_from);
}

Result<SignedBlock> decode_signed_block(ByteView bytes) {
  return decode_exact<SignedBlock>(bytes, [](Decoder& in, SignedBlock& b) {
    decode_block_from(in, b.block);
    in.raw(b.sig.bytes(), "block signature");
  });
}

Sha256 block_hash(const BlockHeader& header) {
  return cipher::sha256(encode(header));
}

Sha256 body_hash(std::span<const Transaction> transactions) {
  std::vector<Sha256> ids;
  ids.reserve(transactions.size());
  for (const Transaction& tx : transactions) ids.push_back(transaction_id(tx));
  return cipher::merkle_root(ids);
}

uint64_t block_size(const Block& block) {
  uint64_t total = 0;
  for (const Transaction& tx : block.transactions) total += encoded_size(tx);
  return total;
}

std::vector<UxOut> create_unspents(const BlockHeader& header, const Transaction& tx) {
  return create_unspents(header, tx, header.seq == 0 ? Sha256{} : transaction_id(tx));
}

std::vector<UxOut> create_unspents(const BlockHeader& header, const Transaction& tx, const Sha256& txid) {
  const Sha256 source = header.seq == 0 ? Sha256{} : txid;
  std::vector<UxOut> out;
  out.reserve(tx.outputs.size());
  for (const TransactionOutput& o : tx.outputs) {
    out.push_back(UxOut{UxHead{header.time, header.seq}, UxBody{source, o.address, o.coins, o.hours}});
  }
  return out;
}

Block make_genesis_block(const GenesisParams& genesis) {
  Transaction tx;
  tx.outputs.push_back(TransactionOutput{genesis.address, genesis.coins, genesis.coins});
  Block block;
  block.transactions.push_back(std::move(tx));
  block.header.time = genesis.timestamp;
  block.header.body_hash = body_hash(block.transactions);
  return block;
}

SignedBlock sign_block(const cipher::Secp256k1& ctx, Block block, const cipher::SecretKey& key) {
  Signature sig = cipher::sign(ctx, block_hash(block.header), key);
  return SignedBlock{std::move(block), sig};
}

Check verify_block_signature(const cipher::Secp256k1& ctx, const cipher::PublicKey& key, const SignedBlock& block) {
  auto verified = cipher::verify(ctx, key, block.sig, block_hash(block.block.header));
  if (!verified) {
    return CoinFault{CoinError::block_signature_invalid,
                     "block " + std::to_string(block.block.header.seq) + ": " + verified.fault().to_string()};
  }
  return {};
}

}  // namespace skymesh::coin
