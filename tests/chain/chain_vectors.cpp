// JSON of Skycoin's node API to coin values.
#include "chain_vectors.hpp"

#include <stdexcept>
#include <string>

namespace skymesh::test {

uint64_t parse_droplets(std::string_view text) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() || frac.size() > 6) throw std::runtime_error("bad coin amount: " + std::string(text));
  uint64_t value = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') throw std::runtime_error("bad coin amount: " + std::string(text));
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  uint64_t droplets = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') throw std::runtime_error("bad coin amount: " + std::string(text));
    droplets = droplets * 10 + static_cast<uint64_t>(c - '0');
  }
  return value * coin::k_droplets_per_coin + droplets;
}

coin::Transaction transaction_from_json(const Json& txn) {
  coin::Transaction tx;
  tx.length = static_cast<uint32_t>(txn["length"].as_uint());
  tx.type = static_cast<uint8_t>(txn["type"].as_uint());
  tx.inner_hash = cipher::Sha256::from_hex(txn["inner_hash"].as_string());
  for (const Json& sig : txn["sigs"].as_array()) tx.sigs.push_back(cipher::Signature::from_hex(sig.as_string()));
  for (const Json& in : txn["inputs"].as_array()) {
    const Json& id = in.kind() == Json::Kind::object ? in["uxid"] : in;
    tx.inputs.push_back(cipher::Sha256::from_hex(id.as_string()));
  }
  for (const Json& out : txn["outputs"].as_array()) {
    tx.outputs.push_back(coin::TransactionOutput{cipher::Address::from_base58(out["dst"].as_string()),
                                                 parse_droplets(out["coins"].as_string()), out["hours"].as_uint()});
  }
  return tx;
}

coin::Block block_from_json(const Json& block) {
  const Json& h = block["header"];
  coin::Block out;
  out.header.version = static_cast<uint32_t>(h["version"].as_uint());
  out.header.time = h["timestamp"].as_uint();
  out.header.seq = h["seq"].as_uint();
  out.header.fee = h["fee"].as_uint();
  out.header.prev_hash = cipher::Sha256::from_hex(h["previous_block_hash"].as_string());
  out.header.body_hash = cipher::Sha256::from_hex(h["tx_body_hash"].as_string());
  out.header.ux_hash = cipher::Sha256::from_hex(h["ux_hash"].as_string());
  for (const Json& txn : block["body"]["txns"].as_array()) out.transactions.push_back(transaction_from_json(txn));
  return out;
}

}  // namespace skymesh::test
