// Transaction and header rules.
#include "skymesh/coin/rules.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <tuple>

namespace skymesh::coin {
namespace {

CoinFault fault(CoinError code, std::string message) {
  return CoinFault{code, std::move(message)};
}

std::string input_name(const Transaction& tx, std::size_t i) {
  return "input " + std::to_string(i) + " (" + tx.inputs[i].hex() + ")";
}

// Sum of input coin hours at head_time, each as hours_of counts it.
Result<uint64_t> sum_input_hours(std::span<const UxOut> spent, uint64_t head_time,
                                 Result<uint64_t> (*hours_of)(const UxOut&, uint64_t)) {
  uint64_t total = 0;
  for (const UxOut& ux : spent) {
    auto hours = hours_of(ux, head_time);
    if (!hours) return hours.fault();
    if (__builtin_add_overflow(total, hours.value(), &total)) {
      return fault(CoinError::input_hours_overflow, "sum of input coin hours overflows u64");
    }
  }
  return total;
}

}  // namespace

Result<std::vector<Address>> check_transaction_form(const cipher::Secp256k1& ctx, const Transaction& tx,
                                                    const RecoveredSigners* recovered) {
  if (tx.inputs.empty()) return fault(CoinError::no_inputs, "transaction has no inputs");
  if (tx.outputs.empty()) return fault(CoinError::no_outputs, "transaction has no outputs");
  if (tx.sigs.size() != tx.inputs.size()) {
    return fault(CoinError::signature_count_mismatch,
                 std::to_string(tx.sigs.size()) + " signatures for " + std::to_string(tx.inputs.size()) + " inputs");
  }
  if (tx.inputs.size() > k_max_slice_length) {
    return fault(CoinError::too_many_inputs, std::to_string(tx.inputs.size()) + " inputs, at most 65535");
  }
  if (tx.outputs.size() > k_max_slice_length) {
    return fault(CoinError::too_many_outputs, std::to_string(tx.outputs.size()) + " outputs, at most 65535");
  }
  {
    std::vector<Sha256> ids(tx.inputs);
    std::sort(ids.begin(), ids.end());
    if (auto dup = std::adjacent_find(ids.begin(), ids.end()); dup != ids.end()) {
      return fault(CoinError::duplicate_input, "output " + dup->hex() + " spent twice");
    }
  }
  if (tx.type != 0) return fault(CoinError::invalid_type, "type " + std::to_string(tx.type) + ", not 0");
  // encoded_size is encode(tx).size(), computed from the counts: nothing needs encoding here.
  if (tx.length != encoded_size(tx)) {
    return fault(CoinError::length_mismatch,
                 "Length says " + std::to_string(tx.length) + ", encoding is " + std::to_string(encoded_size(tx)));
  }
  if (tx.outputs.size() > 1) {
    // An output's id is the SHA-256 of txid || address || coins || hours, and the txid is common to all outputs:
    // two ids are equal exactly when those three fields are, so the fields are compared instead of hashed.
    std::set<std::tuple<std::array<uint8_t, Address::k_binary_size>, uint64_t, uint64_t>> bodies;
    for (const TransactionOutput& o : tx.outputs) {
      if (!bodies.emplace(o.address.to_binary(), o.coins, o.hours).second) {
        return fault(CoinError::duplicate_output, "two outputs to " + o.address.to_base58() + " with the same id");
      }
    }
  }
  std::vector<Address> owners;
  owners.reserve(tx.sigs.size());
  for (std::size_t i = 0; i < tx.sigs.size(); ++i) {
    if (auto form = cipher::check_signature_form(tx.sigs[i]); !form) {
      return fault(CoinError::invalid_signature, "signature " + std::to_string(i) + ": " + form.fault().to_string());
    }
    const Address* known = recovered != nullptr ? recovered->find(tx.sigs[i], tx.inner_hash, tx.inputs[i]) : nullptr;
    if (known != nullptr) {
      owners.push_back(*known);
      continue;
    }
    auto pub = cipher::recover_public_key(ctx, tx.sigs[i], signed_digest(tx, i));
    if (!pub) {
      return fault(CoinError::invalid_signature, "signature " + std::to_string(i) + ": " + pub.fault().to_string());
    }
    owners.push_back(Address::from_public_key(pub.value()));
  }
  for (const TransactionOutput& o : tx.outputs) {
    if (o.coins == 0) return fault(CoinError::zero_coin_output, "output to " + o.address.to_base58() + " has 0 coins");
  }
  if (auto coins = output_coins(tx); !coins) return coins.fault();
  if (compute_inner_hash(tx) != tx.inner_hash) {
    return fault(CoinError::inner_hash_mismatch, "InnerHash " + tx.inner_hash.hex() + " is not the hash of " +
                                                     "the inputs and outputs " + compute_inner_hash(tx).hex());
  }
  return owners;
}

Check check_transaction_hard(const cipher::Secp256k1& ctx, const Transaction& tx, const BlockHeader& head,
                             std::span<const UxOut> spent, TxContext context, const RecoveredSigners* recovered) {
  if (spent.size() != tx.inputs.size()) {
    return fault(CoinError::input_not_found, std::to_string(spent.size()) + " spent outputs given for " +
                                                 std::to_string(tx.inputs.size()) + " inputs");
  }
  if (context == TxContext::single) {
    if (auto hours = output_hours(tx); !hours) return hours.fault();
    for (const UxOut& ux : spent) {
      if (auto hours = coin_hours(ux, head.time); !hours) return hours.fault();
    }
  }
  auto owners = check_transaction_form(ctx, tx, recovered);
  if (!owners) return owners.fault();
  for (std::size_t i = 0; i < spent.size(); ++i) {
    if (ux_id(spent[i]) != tx.inputs[i]) {
      return fault(CoinError::input_not_found, input_name(tx, i) + " is not the output given for it");
    }
    if (owners.value()[i] != spent[i].body.address) {
      return fault(CoinError::signature_not_owner, "signature " + std::to_string(i) + " is by " +
                                                       owners.value()[i].to_base58() + ", the output belongs to " +
                                                       spent[i].body.address.to_base58());
    }
  }
  uint64_t coins_in = 0;
  for (const UxOut& ux : spent) {
    if (__builtin_add_overflow(coins_in, ux.body.coins, &coins_in)) {
      return fault(CoinError::input_coins_overflow, "sum of input coins overflows u64");
    }
  }
  const uint64_t coins_out = output_coins(tx).value();  // checked by the form rules
  if (coins_in < coins_out) {
    return fault(CoinError::insufficient_coins,
                 "inputs hold " + format_droplets(coins_in) + " coins, outputs want " + format_droplets(coins_out));
  }
  if (coins_in > coins_out) {
    return fault(CoinError::coins_destroyed,
                 "inputs hold " + format_droplets(coins_in) + " coins, outputs only " + format_droplets(coins_out));
  }
  auto hours_in = sum_input_hours(spent, head.time, coin_hours_for_spending);
  if (!hours_in) return hours_in.fault();
  // Output hours add without an overflow check here, as Skycoin's VerifyTransactionHoursSpending (old blocks
  // overflow); single transactions were checked above.
  uint64_t hours_out = 0;
  for (const TransactionOutput& o : tx.outputs) hours_out += o.hours;
  if (hours_in.value() < hours_out) {
    return fault(CoinError::insufficient_hours, "inputs hold " + std::to_string(hours_in.value()) + " coin hours at " +
                                                    std::to_string(head.time) + ", outputs want " +
                                                    std::to_string(hours_out));
  }
  return {};
}

Result<uint64_t> transaction_fee(const Transaction& tx, uint64_t head_time, std::span<const UxOut> spent) {
  auto hours_in = sum_input_hours(spent, head_time, coin_hours);
  if (!hours_in) return hours_in.fault();
  auto hours_out = output_hours(tx);
  if (!hours_out) return hours_out.fault();
  if (hours_in.value() < hours_out.value()) {
    return fault(CoinError::insufficient_hours, "inputs hold " + std::to_string(hours_in.value()) +
                                                    " coin hours, outputs " + std::to_string(hours_out.value()));
  }
  return hours_in.value() - hours_out.value();
}

uint64_t required_fee(uint64_t hours, uint32_t burn_factor) {
  return hours / burn_factor + (hours % burn_factor != 0 ? 1 : 0);
}

Check check_transaction_soft(const Transaction& tx, uint64_t head_time, std::span<const UxOut> spent,
                             const SoftRules& rules) {
  if (encoded_size(tx) > rules.max_transaction_size) {
    return fault(CoinError::transaction_too_large,
                 std::to_string(encoded_size(tx)) + " bytes, at most " + std::to_string(rules.max_transaction_size));
  }
  auto fee = transaction_fee(tx, head_time, spent);
  if (!fee) return fee.fault();
  if (fee.value() == 0) return fault(CoinError::zero_fee, "transaction burns no coin hours");
  // Output hours + fee are the input hours, a u64 sum transaction_fee checked: no overflow here.
  const uint64_t total = output_hours(tx).value() + fee.value();
  if (fee.value() < required_fee(total, rules.burn_factor)) {
    return fault(CoinError::insufficient_fee, "burns " + std::to_string(fee.value()) + " of " + std::to_string(total) +
                                                  " coin hours, needs " +
                                                  std::to_string(required_fee(total, rules.burn_factor)) + " (1/" +
                                                  std::to_string(rules.burn_factor) + ")");
  }
  for (const UxOut& ux : spent) {
    if (std::find(rules.locked_addresses.begin(), rules.locked_addresses.end(), ux.body.address) !=
        rules.locked_addresses.end()) {
      return fault(CoinError::locked_input, "spends from locked address " + ux.body.address.to_base58());
    }
  }
  uint64_t divisor = 1;
  for (int i = rules.max_droplet_precision; i < k_droplet_exponent; ++i) divisor *= 10;
  for (const TransactionOutput& o : tx.outputs) {
    if (o.coins % divisor != 0) {
      return fault(CoinError::droplet_precision, "output of " + format_droplets(o.coins) + " coins has more than " +
                                                     std::to_string(rules.max_droplet_precision) + " decimals");
    }
  }
  return {};
}

Check check_block_header(const BlockHeader& head, const Block& block) {
  std::vector<Sha256> txids;
  txids.reserve(block.transactions.size());
  for (const Transaction& tx : block.transactions) txids.push_back(transaction_id(tx));
  return check_block_header(head, block, txids);
}

Check check_block_header(const BlockHeader& head, const Block& block, std::span<const Sha256> txids) {
  if (txids.size() != block.transactions.size()) {
    throw std::invalid_argument("check_block_header: " + std::to_string(txids.size()) + " ids for " +
                                std::to_string(block.transactions.size()) + " transactions");
  }
  const BlockHeader& h = block.header;
  if (h.seq != head.seq + 1) {
    return fault(CoinError::block_seq_invalid,
                 "seq " + std::to_string(h.seq) + " after head " + std::to_string(head.seq));
  }
  if (h.time <= head.time) {
    return fault(CoinError::block_time_not_increasing,
                 "time " + std::to_string(h.time) + " not after head time " + std::to_string(head.time));
  }
  if (h.prev_hash != block_hash(head)) {
    return fault(CoinError::prev_hash_mismatch,
                 "prev hash " + h.prev_hash.hex() + ", head is " + block_hash(head).hex());
  }
  // body_hash(block.transactions) is the Merkle root of these ids.
  if (const Sha256 body = cipher::merkle_root(txids); h.body_hash != body) {
    return fault(CoinError::body_hash_mismatch,
                 "body hash " + h.body_hash.hex() + ", transactions hash to " + body.hex());
  }
  return {};
}

}  // namespace skymesh::coin
