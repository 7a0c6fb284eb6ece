#include "synthetic_chain.hpp"

#include <sstream>
#include <stdexcept>

namespace skymesh::test {
namespace {

cipher::SecretKey key_from_byte(uint8_t b) {
  std::array<uint8_t, 32> bytes{};
  bytes.fill(b);
  return cipher::SecretKey::from_bytes(bytes);
}

}  // namespace

TestNetwork::TestNetwork(const cipher::Secp256k1& ctx)
    : genesis_key(key_from_byte(0x11)),
      genesis_address(cipher::Address::from_secret_key(ctx, genesis_key)),
      block_key(key_from_byte(0x22)),
      block_public(cipher::public_key_from_secret(ctx, block_key)),
      genesis{genesis_address, 1'000'000'000'000, 1700000000} {}

std::string TestNetwork::toml() const {
  std::ostringstream out;
  out << "# a test network\n[node]\n"
      << "genesis_address_str = \"" << genesis_address.to_base58() << "\"\n"
      << "blockchain_pubkey_str = \"" << block_public.hex() << "\"\n"
      << "genesis_timestamp = " << genesis.timestamp << "\n"
      << "genesis_coin_volume = " << genesis.coins << "\n"
      << "port = 6000\n"
      << "[params]\nuser_burn_factor = 10\n";
  return out.str();
}

coin::Transaction spend(const cipher::Secp256k1& ctx, const cipher::SecretKey& key, const coin::UxOut& spent,
                        std::vector<coin::TransactionOutput> outputs) {
  coin::Transaction tx;
  tx.inputs.push_back(coin::ux_id(spent));
  tx.outputs = std::move(outputs);
  const cipher::SecretKey keys[] = {key};
  coin::sign_inputs(ctx, tx, keys);
  return tx;
}

std::vector<coin::Block> synthetic_chain(const cipher::Secp256k1& ctx, const TestNetwork& network, size_t count) {
  std::vector<coin::Block> blocks;
  coin::Ledger ledger(network.genesis);
  blocks.push_back(coin::make_genesis_block(network.genesis));
  ledger.apply_block(ctx, blocks.back()).value();
  // Two lineages of change at the genesis address, spent in turn: each output is spent two blocks after it was
  // made, so it has earned hours by the head's time and every transaction can burn some.
  std::vector<coin::UxOut> lineage = ledger.unspent().outputs_of(network.genesis_address);
  for (size_t i = 1; i < count; ++i) {
    const coin::BlockHeader head = *ledger.head();
    const coin::UxOut source = i == 1 ? lineage[0] : lineage[i % 2];
    const uint64_t hours = coin::coin_hours(source, head.time).value();
    const uint64_t keep = hours - coin::required_fee(hours, 10) - 1;
    const cipher::Address& self = network.genesis_address;
    coin::Transaction tx;
    if (i == 1) {
      const uint64_t half = source.body.coins / 2;
      tx = spend(ctx, network.genesis_key, source, {{self, half + 1000, keep / 2}, {self, half - 1000, keep / 2}});
    } else {
      const cipher::Address to =
          cipher::Address::from_secret_key(ctx, key_from_byte(static_cast<uint8_t>(0x30 + i % 64)));
      tx = spend(ctx, network.genesis_key, source,
                 {{to, coin::k_droplets_per_coin, 0}, {self, source.body.coins - coin::k_droplets_per_coin, keep}});
    }
    auto block = coin::make_block(ctx, ledger.unspent(), head, {tx}, head.time + 10, coin::SoftRules{});
    if (!block) throw std::runtime_error("synthetic block " + std::to_string(i) + ": " + block.fault().to_string());
    auto effect = ledger.apply_block(ctx, block.value());
    if (!effect) throw std::runtime_error("synthetic block " + std::to_string(i) + ": " + effect.fault().to_string());
    if (i == 1) {
      lineage = {effect->created[1], effect->created[0]};  // block 2 spends [0], block 3 [1], ...
    } else {
      lineage[i % 2] = effect->created[1];
    }
    blocks.push_back(std::move(block).value());
  }
  return blocks;
}

std::string to_api_json(const std::vector<coin::Block>& blocks) {
  std::ostringstream out;
  out << "{\"blocks\":[";
  for (size_t b = 0; b < blocks.size(); ++b) {
    const coin::Block& block = blocks[b];
    const coin::BlockHeader& h = block.header;
    out << (b ? "," : "") << "{\"header\":{\"seq\":" << h.seq << ",\"block_hash\":\"" << coin::block_hash(h).hex()
        << "\",\"previous_block_hash\":\"" << h.prev_hash.hex() << "\",\"timestamp\":" << h.time << ",\"fee\":" << h.fee
        << ",\"version\":" << h.version << ",\"tx_body_hash\":\"" << h.body_hash.hex() << "\",\"ux_hash\":\""
        << h.ux_hash.hex() << "\"},\"body\":{\"txns\":[";
    for (size_t t = 0; t < block.transactions.size(); ++t) {
      const coin::Transaction& tx = block.transactions[t];
      out << (t ? "," : "") << "{\"length\":" << tx.length << ",\"type\":" << int(tx.type) << ",\"txid\":\""
          << coin::transaction_id(tx).hex() << "\",\"inner_hash\":\"" << tx.inner_hash.hex() << "\",\"sigs\":[";
      for (size_t i = 0; i < tx.sigs.size(); ++i) out << (i ? "," : "") << "\"" << tx.sigs[i].hex() << "\"";
      out << "],\"inputs\":[";
      for (size_t i = 0; i < tx.inputs.size(); ++i) out << (i ? "," : "") << "\"" << tx.inputs[i].hex() << "\"";
      out << "],\"outputs\":[";
      const auto created = coin::create_unspents(h, tx);
      for (size_t i = 0; i < tx.outputs.size(); ++i) {
        out << (i ? "," : "") << "{\"uxid\":\"" << coin::ux_id(created[i]).hex() << "\",\"dst\":\""
            << tx.outputs[i].address.to_base58() << "\",\"coins\":\"" << coin::format_droplets(tx.outputs[i].coins)
            << "\",\"hours\":" << tx.outputs[i].hours << "}";
      }
      out << "]}";
    }
    out << "]},\"size\":" << coin::block_size(block) << "}";
  }
  out << "]}";
  return out.str();
}

}  // namespace skymesh::test
