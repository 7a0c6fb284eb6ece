// The wallet methods that need the chain: balance, outputs, send, history (wallet_service.hpp).
#include <map>
#include <set>
#include <utility>

#include "skymesh/coin/coin.hpp"
#include "skymesh/proto/chain.capnp.h"
#include "skymesh/wallet/amount.hpp"
#include "skymesh/wallet/transaction_builder.hpp"
#include "wallet_service.hpp"
#include "wallet_status.hpp"

namespace skymesh::wallet_service {
namespace {

constexpr unsigned k_chain_batch = 1000;  // chain.outputs takes at most 1000 addresses

capnp::Data::Reader data_of(cipher::ByteView bytes) {
  return capnp::Data::Reader(bytes.data(), bytes.size());
}

cipher::ByteView view_of(capnp::Data::Reader data) {
  return cipher::ByteView(data.begin(), data.size());
}

// The wallet's unspent outputs as the chain holds them, and the head they were read at.
struct ChainView {
  uint64_t head_seq = 0;
  uint64_t head_time = 0;
  std::vector<coin::UxOut> outputs;
};

bus::Status chain_error(const bus::Status& status, const std::string& method) {
  bus::ErrorCode code = status.code();
  if (code == bus::ErrorCode::bad_request || code == bus::ErrorCode::bad_payload_type) code = bus::ErrorCode::internal;
  return bus::Status(code, method + ": " + status.message());
}

bus::Result<ChainView> read_outputs(bus::Client& chain, const std::vector<cipher::Address>& addresses) {
  ChainView view;
  for (std::size_t from = 0; from < addresses.size() || from == 0; from += k_chain_batch) {
    const std::size_t n = std::min<std::size_t>(k_chain_batch, addresses.size() - from);
    auto reply = chain.call<proto::ChainAddressesRequest, proto::ChainOutputsReply>(
        "chain.outputs", [&addresses, from, n](proto::ChainAddressesRequest::Builder request) {
          auto list = request.initAddresses(static_cast<unsigned>(n));
          for (std::size_t i = 0; i < n; ++i) list.set(static_cast<unsigned>(i), addresses[from + i].to_base58());
        });
    if (!reply.ok()) return chain_error(reply.status(), "chain.outputs");
    auto got = reply->get();
    if (from > 0 && got.getHeadSeq() != view.head_seq) {
      return bus::Status(bus::ErrorCode::unavailable, "the chain moved on while the outputs were read; try again");
    }
    view.head_seq = got.getHeadSeq();
    view.head_time = got.getHeadTime();
    for (auto out : got.getOutputs()) {
      auto address = cipher::Address::try_from_base58(out.getAddress().cStr());
      auto source = cipher::Sha256::try_from_bytes(view_of(out.getSourceTransaction()));
      auto id = cipher::Sha256::try_from_bytes(view_of(out.getId()));
      if (!address.ok() || !source.ok() || !id.ok()) {
        return bus::Status(bus::ErrorCode::internal, "chain.outputs answered a malformed output");
      }
      coin::UxOut ux;
      ux.head = coin::UxHead{out.getTime(), out.getBlockSeq()};
      ux.body = coin::UxBody{source.value(), address.value(), out.getCoins(), out.getHours()};
      if (coin::ux_id(ux) != id.value()) {
        return bus::Status(bus::ErrorCode::internal, "chain.outputs answered output " + id->hex() +
                                                         " whose fields hash to " + coin::ux_id(ux).hex());
      }
      view.outputs.push_back(ux);
    }
    if (addresses.empty()) break;
  }
  return view;
}

// Output ids spent by the chain's unconfirmed transactions: not spendable again until a block settles them.
bus::Result<std::set<std::string>> pool_spends(bus::Client& chain) {
  auto reply =
      chain.call<proto::ChainPoolRequest, proto::ChainPoolReply>("chain.pool", [](proto::ChainPoolRequest::Builder) {});
  if (!reply.ok()) return chain_error(reply.status(), "chain.pool");
  std::set<std::string> spent;
  for (auto tx : reply->get().getTransactions()) {
    for (auto input : tx.getInputs()) spent.insert(input.cStr());
  }
  return spent;
}

bus::Status no_chain() {
  return bus::Status(bus::ErrorCode::failed_precondition, "this wallet serverlet was started without --chain");
}

}  // namespace

bus::Status WalletService::balance(proto::WalletIdRequest::Reader request, proto::WalletBalanceReply::Builder reply) {
  if (!chain_) return no_chain();
  auto w = store_.load(request.getId().cStr());
  if (!w.ok()) return to_status(w);
  auto view = read_outputs(*chain_, w->addresses());
  if (!view.ok()) return view.status();
  uint64_t droplets = 0;
  uint64_t hours = 0;
  for (const coin::UxOut& ux : view->outputs) {
    droplets += ux.body.coins;
    hours += coin::coin_hours(ux, view->head_time).ok() ? coin::coin_hours(ux, view->head_time).value() : 0;
  }
  reply.setHeadSeq(view->head_seq);
  reply.setCoins(wallet::format_coins(droplets));
  reply.setDroplets(droplets);
  reply.setHours(hours);
  reply.setOutputs(static_cast<uint32_t>(view->outputs.size()));
  return bus::Status();
}

bus::Status WalletService::outputs(proto::WalletIdRequest::Reader request, proto::WalletOutputsReply::Builder reply) {
  if (!chain_) return no_chain();
  auto w = store_.load(request.getId().cStr());
  if (!w.ok()) return to_status(w);
  auto view = read_outputs(*chain_, w->addresses());
  if (!view.ok()) return view.status();
  reply.setHeadSeq(view->head_seq);
  reply.setHeadTime(view->head_time);
  auto list = reply.initOutputs(static_cast<unsigned>(view->outputs.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    const coin::UxOut& ux = view->outputs[i];
    const coin::Sha256 id = coin::ux_id(ux);
    list[i].setId(data_of(id.view()));
    list[i].setAddress(ux.body.address.to_base58());
    list[i].setCoins(wallet::format_coins(ux.body.coins));
    list[i].setDroplets(ux.body.coins);
    auto hours = coin::coin_hours(ux, view->head_time);
    list[i].setHours(hours.ok() ? hours.value() : 0);
    list[i].setBlockSeq(ux.head.block_seq);
    list[i].setSourceTransaction(data_of(ux.body.source_transaction.view()));
  }
  return bus::Status();
}

bus::Status WalletService::send(proto::WalletSendRequest::Reader request, proto::WalletSendReply::Builder reply) {
  const wallet::BuildOptions defaults;
  std::vector<wallet::Payment> to;
  unsigned index = 0;
  for (auto recipient : request.getTo()) {
    auto payment =
        wallet::parse_payment(recipient.getAddress().cStr(), recipient.getCoins().cStr(), defaults.max_decimals);
    if (!payment.ok()) {
      return bus::Status(bus::ErrorCode::bad_request,
                         "to[" + std::to_string(index) + "]: " + payment.fault().to_string());
    }
    to.push_back(payment.value());
    ++index;
  }
  if (to.empty()) return bus::Status(bus::ErrorCode::bad_request, "to: no recipient");
  wallet::BuildOptions options;
  if (request.getChangeAddress().size() > 0) {
    auto change = cipher::Address::try_from_base58(request.getChangeAddress().cStr());
    if (!change.ok()) return bus::Status(bus::ErrorCode::bad_request, "changeAddress: not a Skycoin address");
    options.change_address = change.value();
  }
  auto w = store_.load(request.getId().cStr());
  if (!w.ok()) return to_status(w);
  if (!chain_) return no_chain();
  if (w->is_encrypted() && request.getPassword().size() == 0) {
    return bus::Status(bus::ErrorCode::failed_precondition,
                       "wallet_locked: the wallet is encrypted; sending needs its password");
  }
  auto view = read_outputs(*chain_, w->addresses());
  if (!view.ok()) return view.status();
  auto pending = pool_spends(*chain_);
  if (!pending.ok()) return pending.status();
  std::vector<coin::UxOut> spendable;
  for (const coin::UxOut& ux : view->outputs) {
    if (!pending->count(coin::ux_id(ux).hex())) spendable.push_back(ux);
  }
  auto built =
      wallet::build_transaction(ctx_, w.value(), request.getPassword().cStr(), spendable, view->head_time, to, options);
  if (!built.ok()) return to_status(built);
  const coin::Bytes raw = coin::encode(built->transaction);
  auto injected = chain_->call<proto::ChainInjectRequest, proto::ChainInjectReply>(
      "chain.inject", [&raw](proto::ChainInjectRequest::Builder inject) { inject.setRaw(data_of(raw)); });
  if (!injected.ok()) {
    const bus::Status& refused = injected.status();
    if (refused.code() == bus::ErrorCode::failed_precondition || refused.code() == bus::ErrorCode::bad_request) {
      return bus::Status(bus::ErrorCode::failed_precondition,
                         "the chain refused the transaction: " + refused.message());
    }
    return chain_error(refused, "chain.inject");
  }
  if (auto recorded = store_.record_sent(w->filename(), built->id.hex()); !recorded.ok()) {
    node_.logger().warn("wallet_history_not_recorded", {{"error", recorded.fault().to_string()}});
  }
  reply.setTransaction(data_of(built->id.view()));
  reply.setFee(built->fee);
  reply.setInputs(static_cast<uint32_t>(built->transaction.inputs.size()));
  reply.setRaw(data_of(raw));
  return bus::Status();
}

bus::Status WalletService::history(proto::WalletIdRequest::Reader request, proto::WalletHistoryReply::Builder reply) {
  if (!chain_) return no_chain();
  auto w = store_.load(request.getId().cStr());
  if (!w.ok()) return to_status(w);
  auto view = read_outputs(*chain_, w->addresses());
  if (!view.ok()) return view.status();
  // txid hex -> (sent, droplets received in unspent outputs), in first-seen order.
  std::vector<std::string> order;
  std::map<std::string, std::pair<bool, uint64_t>> seen;
  for (const std::string& id : store_.sent(w->filename())) {
    if (seen.emplace(id, std::make_pair(true, uint64_t{0})).second) order.push_back(id);
  }
  for (const coin::UxOut& ux : view->outputs) {
    const std::string id = ux.body.source_transaction.hex();
    auto [at, fresh] = seen.emplace(id, std::make_pair(false, uint64_t{0}));
    if (fresh) order.push_back(id);
    at->second.second += ux.body.coins;
  }
  auto entries = reply.initEntries(static_cast<unsigned>(order.size()));
  for (unsigned i = 0; i < order.size(); ++i) {
    auto txid = cipher::Sha256::try_from_hex(order[i]);
    if (!txid.ok()) continue;
    entries[i].setTransaction(data_of(txid->view()));
    entries[i].setSent(seen[order[i]].first);
    entries[i].setReceived(seen[order[i]].second);
    auto found = chain_->call<proto::ChainTransactionRequest, proto::ChainTransactionReply>(
        "chain.transaction",
        [&txid](proto::ChainTransactionRequest::Builder ask) { ask.setId(data_of(txid->view())); });
    if (found.ok()) {
      entries[i].setConfirmed(found->get().getConfirmed());
      entries[i].setBlockSeq(found->get().getBlockSeq());
    } else if (found.status().code() != bus::ErrorCode::not_found) {
      return chain_error(found.status(), "chain.transaction");
    }
  }
  return bus::Status();
}

}  // namespace skymesh::wallet_service
