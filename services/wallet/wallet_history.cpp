// wallet.history (wallet_service.hpp): the wallet's transactions from the chain serverlet's address history
// (chain.history, every confirmed transaction that paid or spent from an address), its pool (chain.pool), and
// the ids this serverlet recorded as sent. Amounts are worked out here: received from the outputs a transaction
// pays to the wallet's addresses, spent from the inputs that name one of those outputs. Every output of the
// wallet was made by a transaction that paid its address, so the confirmed history names them all.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "chain_calls.hpp"
#include "wallet_service.hpp"
#include "wallet_status.hpp"

namespace skymesh::wallet_service {
namespace {

constexpr unsigned k_chain_batch = 1000;  // chain.history takes at most 1000 addresses

struct TxRecord {
  std::string id;  // hex
  bool confirmed = false;
  bool sent = false;
  uint64_t block_seq = 0;
  uint32_t index = 0;
  uint64_t time = 0;
  std::vector<std::string> inputs;                           // output ids, hex
  std::vector<std::pair<std::string, std::string>> outputs;  // (output id hex, address)
  std::vector<uint64_t> coins;                               // of each output
};

TxRecord record_of(proto::ChainTransaction::Reader tx) {
  TxRecord out;
  out.id = cipher::to_hex(view_of(tx.getId()));
  for (auto input : tx.getInputs()) out.inputs.emplace_back(input.cStr());
  for (auto output : tx.getOutputs()) {
    out.outputs.emplace_back(cipher::to_hex(view_of(output.getId())), output.getAddress().cStr());
    out.coins.push_back(output.getCoins());
  }
  return out;
}

// Every confirmed transaction of the addresses, paged through chain.history, keyed by id.
bus::Status read_confirmed(bus::Client& chain, const std::vector<cipher::Address>& addresses,
                           std::map<std::string, TxRecord>& found) {
  for (std::size_t from = 0; from < addresses.size(); from += k_chain_batch) {
    const std::size_t n = std::min<std::size_t>(k_chain_batch, addresses.size() - from);
    uint64_t from_seq = 0;
    for (;;) {
      auto reply = chain.call<proto::ChainHistoryRequest, proto::ChainHistoryReply>(
          "chain.history", [&addresses, from, n, from_seq](proto::ChainHistoryRequest::Builder request) {
            auto list = request.initAddresses(static_cast<unsigned>(n));
            for (std::size_t i = 0; i < n; ++i) list.set(static_cast<unsigned>(i), addresses[from + i].to_base58());
            request.setFromSeq(from_seq);
          });
      if (!reply.ok()) return chain_error(reply.status(), "chain.history");
      for (auto entry : reply->get().getEntries()) {
        TxRecord tx = record_of(entry.getTransaction());
        tx.confirmed = true;
        tx.block_seq = entry.getBlockSeq();
        tx.index = entry.getIndex();
        tx.time = entry.getTime();
        found.emplace(tx.id, std::move(tx));
      }
      if (!reply->get().getMore()) break;
      if (reply->get().getNextSeq() <= from_seq) {
        return bus::Status(bus::ErrorCode::internal,
                           "chain.history asked to go back to block " + std::to_string(reply->get().getNextSeq()));
      }
      from_seq = reply->get().getNextSeq();
    }
  }
  return bus::Status();
}

}  // namespace

bus::Status WalletService::history(proto::WalletIdRequest::Reader request, proto::WalletHistoryReply::Builder reply) {
  if (!chain_) return no_chain();
  auto w = store_.load(request.getId().cStr());
  if (!w.ok()) return to_status(w);
  std::set<std::string> mine;
  for (const cipher::Address& address : w->addresses()) mine.insert(address.to_base58());

  std::map<std::string, TxRecord> confirmed;
  if (!mine.empty()) {
    if (bus::Status read = read_confirmed(*chain_, w->addresses(), confirmed); !read.ok()) return read;
  }
  std::vector<TxRecord> records;
  for (auto& [id, tx] : confirmed) records.push_back(std::move(tx));
  std::sort(records.begin(), records.end(), [](const TxRecord& a, const TxRecord& b) {
    return std::tie(a.block_seq, a.index) < std::tie(b.block_seq, b.index);
  });
  // The wallet's outputs, by id: droplets.
  std::map<std::string, uint64_t> owned;
  auto note_outputs = [&owned, &mine](const TxRecord& tx) {
    for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
      if (mine.count(tx.outputs[i].second)) owned[tx.outputs[i].first] = tx.coins[i];
    }
  };
  for (const TxRecord& tx : records) note_outputs(tx);

  auto pool = chain_->call<proto::ChainPoolRequest, proto::ChainPoolReply>("chain.pool",
                                                                           [](proto::ChainPoolRequest::Builder) {});
  if (!pool.ok()) return chain_error(pool.status(), "chain.pool");
  std::set<std::string> listed;
  for (const TxRecord& tx : records) listed.insert(tx.id);
  for (auto pending : pool->get().getTransactions()) {
    TxRecord tx = record_of(pending);
    if (listed.count(tx.id)) continue;  // confirmed between the two calls
    const bool pays = std::any_of(tx.outputs.begin(), tx.outputs.end(),
                                  [&mine](const auto& output) { return mine.count(output.second) > 0; });
    const bool spends = std::any_of(tx.inputs.begin(), tx.inputs.end(),
                                    [&owned](const std::string& input) { return owned.count(input) > 0; });
    if (!pays && !spends) continue;
    note_outputs(tx);
    records.push_back(std::move(tx));
  }

  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < records.size(); ++i) at[records[i].id] = i;
  for (const std::string& id : store_.sent(w->filename())) {
    auto found = at.find(id);
    if (found != at.end()) {
      records[found->second].sent = true;
    } else if (cipher::Sha256::try_from_hex(id).ok()) {
      TxRecord gone;
      gone.id = id;
      gone.sent = true;
      at[id] = records.size();
      records.push_back(std::move(gone));
    }
  }

  auto entries = reply.initEntries(static_cast<unsigned>(records.size()));
  for (unsigned i = 0; i < records.size(); ++i) {
    const TxRecord& tx = records[i];
    uint64_t received = 0, spent = 0;
    for (std::size_t o = 0; o < tx.outputs.size(); ++o) {
      if (mine.count(tx.outputs[o].second)) received += tx.coins[o];
    }
    for (const std::string& input : tx.inputs) {
      if (auto found = owned.find(input); found != owned.end()) spent += found->second;
    }
    const cipher::Sha256 txid = cipher::Sha256::try_from_hex(tx.id).value();
    entries[i].setTransaction(data_of(txid.view()));
    entries[i].setSent(tx.sent);
    entries[i].setConfirmed(tx.confirmed);
    entries[i].setBlockSeq(tx.block_seq);
    entries[i].setTime(tx.time);
    entries[i].setReceived(received);
    entries[i].setSpent(spent);
  }
  return bus::Status();
}

}  // namespace skymesh::wallet_service
