#include "convert.hpp"

#include <string>

namespace skymesh::chain {

void fill_transaction(proto::ChainTransaction::Builder out, const coin::Transaction& tx,
                      const coin::BlockHeader* header) {
  out.setId(data_of(coin::transaction_id(tx).view()));
  out.setLength(tx.length);
  out.setType(tx.type);
  out.setInnerHash(data_of(tx.inner_hash.view()));
  auto sigs = out.initSigs(static_cast<unsigned>(tx.sigs.size()));
  for (unsigned i = 0; i < sigs.size(); ++i) sigs.set(i, tx.sigs[i].hex());
  auto inputs = out.initInputs(static_cast<unsigned>(tx.inputs.size()));
  for (unsigned i = 0; i < inputs.size(); ++i) inputs.set(i, tx.inputs[i].hex());
  const coin::Sha256 txid = coin::transaction_id(tx);
  auto outputs = out.initOutputs(static_cast<unsigned>(tx.outputs.size()));
  // In a block, ids come from create_unspents (the genesis outputs name the zero hash as their source).
  std::vector<coin::UxOut> created;
  if (header) created = coin::create_unspents(*header, tx);
  for (unsigned i = 0; i < outputs.size(); ++i) {
    outputs[i].setId(data_of(header ? coin::ux_id(created[i]).view() : coin::output_id(txid, tx.outputs[i]).view()));
    outputs[i].setAddress(tx.outputs[i].address.to_base58());
    outputs[i].setCoins(tx.outputs[i].coins);
    outputs[i].setHours(tx.outputs[i].hours);
  }
  out.setRaw(data_of(coin::encode(tx)));
}

void fill_block(proto::ChainBlock::Builder out, const coin::Block& block, const std::optional<coin::Signature>& sig) {
  const coin::BlockHeader& h = block.header;
  out.setHash(data_of(coin::block_hash(h).view()));
  auto header = out.initHeader();
  header.setVersion(h.version);
  header.setTime(h.time);
  header.setSeq(h.seq);
  header.setFee(h.fee);
  header.setPrevHash(data_of(h.prev_hash.view()));
  header.setBodyHash(data_of(h.body_hash.view()));
  header.setUxHash(data_of(h.ux_hash.view()));
  auto txs = out.initTransactions(static_cast<unsigned>(block.transactions.size()));
  for (unsigned i = 0; i < txs.size(); ++i) fill_transaction(txs[i], block.transactions[i], &h);
  out.setSize(coin::block_size(block));
  if (sig) out.setSignature(data_of(sig->view()));
  out.setRaw(data_of(coin::encode(block)));
}

void fill_unspent(proto::ChainUnspent::Builder out, const coin::UxOut& ux, uint64_t head_time) {
  out.setId(data_of(coin::ux_id(ux).view()));
  out.setAddress(ux.body.address.to_base58());
  out.setCoins(ux.body.coins);
  out.setHours(ux.body.hours);
  auto hours = coin::coin_hours(ux, head_time);
  out.setCalculatedHours(hours ? hours.value() : ux.body.hours);
  out.setTime(ux.head.time);
  out.setBlockSeq(ux.head.block_seq);
  out.setSourceTransaction(data_of(ux.body.source_transaction.view()));
}

bus::Result<coin::Sha256> read_id(capnp::Data::Reader data, std::string_view field) {
  if (data.size() != coin::Sha256::size()) {
    return bus::Status(bus::ErrorCode::bad_request,
                       std::string(field) + ": must be 32 bytes (64 hex digits), got " + std::to_string(data.size()));
  }
  return coin::Sha256::from_bytes(view_of(data));
}

bus::Result<coin::Address> read_address(capnp::Text::Reader text, std::string_view field) {
  auto address = cipher::Address::try_from_base58(std::string_view(text.cStr(), text.size()));
  if (!address)
    return bus::Status(bus::ErrorCode::bad_request, std::string(field) + ": " + address.fault().to_string());
  return address.value();
}

}  // namespace skymesh::chain
