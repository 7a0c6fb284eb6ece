#include "fake_chain.hpp"

#include <algorithm>

#include "skymesh/proto/chain.capnp.h"
#include "transaction_support.hpp"

namespace skymesh::wallet::test {
namespace {

capnp::Data::Reader data_of(cipher::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}

}  // namespace

FakeChain::FakeChain(bus::Node& node, const cipher::Secp256k1& ctx, uint64_t genesis_time)
    : ctx_(ctx), head_time_(genesis_time) {
  attach(node);
}

void FakeChain::credit(const cipher::Address& address, uint64_t droplets) {
  unspent_.push_back(
      make_output(address, droplets, droplets, head_time_, head_seq_, static_cast<uint8_t>(unspent_.size() + 100)));
}

std::size_t FakeChain::make_block(uint64_t seconds) {
  head_time_ += seconds;
  ++head_seq_;
  const std::size_t n = pool_.size();
  for (const coin::Transaction& tx : pool_) {
    for (const coin::Sha256& input : tx.inputs) {
      std::erase_if(unspent_, [&input](const coin::UxOut& ux) { return coin::ux_id(ux) == input; });
    }
    const coin::Sha256 txid = coin::transaction_id(tx);
    for (const coin::TransactionOutput& out : tx.outputs) {
      unspent_.push_back(
          coin::UxOut{coin::UxHead{head_time_, head_seq_}, coin::UxBody{txid, out.address, out.coins, out.hours}});
    }
    confirmed_[txid.hex()] = head_seq_;
  }
  pool_.clear();
  return n;
}

void FakeChain::attach(bus::Node& node) {
  using namespace proto;
  node.handle<ChainAddressesRequest, ChainOutputsReply>(
      "chain.outputs",
      [this](bus::CallContext&, ChainAddressesRequest::Reader request, ChainOutputsReply::Builder reply) {
        std::vector<coin::UxOut> found;
        for (auto text : request.getAddresses()) {
          for (const coin::UxOut& ux : unspent_) {
            if (ux.body.address.to_base58() == text.cStr()) found.push_back(ux);
          }
        }
        reply.setHeadSeq(head_seq_);
        reply.setHeadTime(head_time_);
        auto list = reply.initOutputs(static_cast<unsigned>(found.size()));
        for (unsigned i = 0; i < found.size(); ++i) {
          list[i].setId(data_of(coin::ux_id(found[i]).view()));
          list[i].setAddress(found[i].body.address.to_base58());
          list[i].setCoins(found[i].body.coins);
          list[i].setHours(found[i].body.hours);
          list[i].setCalculatedHours(coin::coin_hours(found[i], head_time_).value());
          list[i].setTime(found[i].head.time);
          list[i].setBlockSeq(found[i].head.block_seq);
          list[i].setSourceTransaction(data_of(found[i].body.source_transaction.view()));
        }
        return bus::Status();
      });
  node.handle<ChainPoolRequest, ChainPoolReply>(
      "chain.pool", [this](bus::CallContext&, ChainPoolRequest::Reader, ChainPoolReply::Builder reply) {
        auto list = reply.initTransactions(static_cast<unsigned>(pool_.size()));
        for (unsigned i = 0; i < pool_.size(); ++i) {
          auto inputs = list[i].initInputs(static_cast<unsigned>(pool_[i].inputs.size()));
          for (unsigned k = 0; k < inputs.size(); ++k) inputs.set(k, pool_[i].inputs[k].hex());
        }
        return bus::Status();
      });
  node.handle<ChainInjectRequest, ChainInjectReply>(
      "chain.inject", [this](bus::CallContext&, ChainInjectRequest::Reader request, ChainInjectReply::Builder reply) {
        auto tx = coin::decode_transaction(coin::ByteView(request.getRaw().begin(), request.getRaw().size()));
        if (!tx.ok()) return bus::Status(bus::ErrorCode::bad_request, tx.fault().to_string());
        for (const coin::Transaction& pending : pool_) {
          for (const coin::Sha256& input : pending.inputs) {
            if (std::find(tx->inputs.begin(), tx->inputs.end(), input) != tx->inputs.end()) {
              return bus::Status(bus::ErrorCode::failed_precondition, "input spent by a pool transaction");
            }
          }
        }
        auto fee = pool_check(ctx_, unspent_, head_time_, tx.value());
        if (!fee.ok()) return bus::Status(bus::ErrorCode::failed_precondition, fee.fault().to_string());
        reply.setId(data_of(coin::transaction_id(tx.value()).view()));
        reply.setFee(fee.value());
        pool_.push_back(tx.value());
        return bus::Status();
      });
  node.handle<ChainTransactionRequest, ChainTransactionReply>(
      "chain.transaction",
      [this](bus::CallContext&, ChainTransactionRequest::Reader request, ChainTransactionReply::Builder reply) {
        const std::string id = cipher::to_hex(coin::ByteView(request.getId().begin(), request.getId().size()));
        reply.initTransaction().setId(request.getId());
        if (auto found = confirmed_.find(id); found != confirmed_.end()) {
          reply.setConfirmed(true);
          reply.setBlockSeq(found->second);
          return bus::Status();
        }
        for (const coin::Transaction& tx : pool_) {
          if (coin::transaction_id(tx).hex() == id) return bus::Status();
        }
        return bus::Status(bus::ErrorCode::not_found, "no transaction " + id);
      });
}

}  // namespace skymesh::wallet::test
