// The wallet methods that need the chain: balance, outputs, send (wallet_service.hpp); history is in
// wallet_history.cpp.
#include <map>
#include <set>
#include <utility>

#include "chain_calls.hpp"
#include "password_copy.hpp"
#include "skymesh/coin/coin.hpp"
#include "skymesh/proto/chain.capnp.h"
#include "skymesh/wallet/amount.hpp"
#include "skymesh/wallet/transaction_builder.hpp"
#include "wallet_service.hpp"
#include "wallet_status.hpp"

namespace skymesh::wallet_service {
namespace {

constexpr unsigned k_chain_batch = 1000;  // chain.outputs takes at most 1000 addresses

// The wallet's unspent outputs as the chain holds them, and the head they were read at.
struct ChainView {
  uint64_t head_seq = 0;
  uint64_t head_time = 0;
  std::vector<coin::UxOut> outputs;
};

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
  const std::string id = request.getId().cStr();
  const WalletGuard guard = guard_wallet(id);  // one payment at a time per wallet: no output chosen twice
  auto w = store_.load(id);
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
  const PasswordCopy password(request.getPassword());
  const uint64_t head_time = view->head_time;
  auto built = workers_.run([this, &w, &password, &spendable, head_time, &to, &options]() {
    return wallet::build_transaction(ctx_, w.value(), password.get(), spendable, head_time, to, options);
  });
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

}  // namespace skymesh::wallet_service
