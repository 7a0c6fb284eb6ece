// Transaction encoding and hashes.
#include "skymesh/coin/transaction.hpp"

#include <stdexcept>

#include "skymesh/coin/ux_out.hpp"

namespace skymesh::coin {
namespace {

constexpr std::size_t k_output_size = Address::k_binary_size + 8 + 8;

void encode_address(Encoder& out, const Address& address) {
  out.raw(address.to_binary());
}

Address decode_address(Decoder& in) {
  uint8_t version = in.u8();
  cipher::Ripemd160 key;
  in.raw(key.bytes(), "address key");
  return Address(version, key);
}

void encode_inputs(Encoder& out, const Transaction& tx) {
  out.count(tx.inputs.size());
  for (const Sha256& id : tx.inputs) out.raw(id.view());
}

void encode_outputs(Encoder& out, const Transaction& tx) {
  out.count(tx.outputs.size());
  for (const TransactionOutput& o : tx.outputs) {
    encode_address(out, o.address);
    out.u64(o.coins);
    out.u64(o.hours);
  }
}

}  // namespace

std::size_t encoded_size(const Transaction& tx) {
  return 4 + 1 + Sha256::k_size + 4 + tx.sigs.size() * Signature::k_size + 4 + tx.inputs.size() * Sha256::k_size + 4 +
         tx.outputs.size() * k_output_size;
}

void encode_to(Encoder& out, const Transaction& tx) {
  out.u32(tx.length);
  out.u8(tx.type);
  out.raw(tx.inner_hash.view());
  out.count(tx.sigs.size());
  for (const Signature& sig : tx.sigs) out.raw(sig.view());
  encode_inputs(out, tx);
  encode_outputs(out, tx);
}

Bytes encode(const Transaction& tx) {
  Encoder out(encoded_size(tx));
  encode_to(out, tx);
  return std::move(out).take();
}

void decode_from(Decoder& in, Transaction& tx) {
  tx.length = in.u32();
  tx.type = in.u8();
  in.raw(tx.inner_hash.bytes(), "inner hash");
  tx.sigs.resize(in.count(k_max_slice_length, Signature::k_size, "signatures"));
  for (Signature& sig : tx.sigs) in.raw(sig.bytes(), "signature");
  tx.inputs.resize(in.count(k_max_slice_length, Sha256::k_size, "inputs"));
  for (Sha256& id : tx.inputs) in.raw(id.bytes(), "input");
  tx.outputs.resize(in.count(k_max_slice_length, k_output_size, "outputs"));
  for (TransactionOutput& o : tx.outputs) {
    o.address = decode_address(in);
    o.coins = in.u64();
    o.hours = in.u64();
  }
}

Result<Transaction> decode_transaction(ByteView bytes) {
  return decode_exact<Transaction>(bytes, [](Decoder& in, Transaction& tx) { decode_from(in, tx); });
}

Sha256 transaction_id(const Transaction& tx) {
  return cipher::sha256(encode(tx));
}

Sha256 compute_inner_hash(const Transaction& tx) {
  Encoder out(8 + tx.inputs.size() * Sha256::k_size + tx.outputs.size() * k_output_size);
  encode_inputs(out, tx);
  encode_outputs(out, tx);
  return cipher::sha256(out.data());
}

Sha256 signed_digest(const Transaction& tx, std::size_t i) {
  return cipher::add_sha256(tx.inner_hash, tx.inputs[i]);
}

Sha256 output_id(const Sha256& txid, const TransactionOutput& out) {
  return ux_id(UxBody{txid, out.address, out.coins, out.hours});
}

void update_header(Transaction& tx) {
  tx.type = 0;
  tx.inner_hash = compute_inner_hash(tx);
  tx.length = static_cast<uint32_t>(encoded_size(tx));
}

void sign_inputs(const cipher::Secp256k1& ctx, Transaction& tx, std::span<const cipher::SecretKey> keys) {
  if (keys.size() != tx.inputs.size()) {
    throw std::invalid_argument("sign_inputs: " + std::to_string(keys.size()) + " keys for " +
                                std::to_string(tx.inputs.size()) + " inputs");
  }
  tx.inner_hash = compute_inner_hash(tx);
  tx.sigs.clear();
  for (std::size_t i = 0; i < keys.size(); ++i) tx.sigs.push_back(cipher::sign(ctx, signed_digest(tx, i), keys[i]));
  update_header(tx);
}

Result<uint64_t> output_coins(const Transaction& tx) {
  uint64_t total = 0;
  for (const TransactionOutput& o : tx.outputs) {
    if (__builtin_add_overflow(total, o.coins, &total)) {
      return CoinFault{CoinError::output_coins_overflow, "sum of output coins overflows u64"};
    }
  }
  return total;
}

Result<uint64_t> output_hours(const Transaction& tx) {
  uint64_t total = 0;
  for (const TransactionOutput& o : tx.outputs) {
    if (__builtin_add_overflow(total, o.hours, &total)) {
      return CoinFault{CoinError::output_hours_overflow, "sum of output hours overflows u64"};
    }
  }
  return total;
}

}  // namespace skymesh::coin
