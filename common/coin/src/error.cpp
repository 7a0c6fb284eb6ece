// Names of CoinError, the fault's text form and the exception that carries it.
#include "skymesh/coin/error.hpp"

namespace skymesh::coin {

std::string_view coin_error_name(CoinError code) {
  switch (code) {
    case CoinError::truncated:
      return "truncated";
    case CoinError::trailing_bytes:
      return "trailing_bytes";
    case CoinError::invalid_bool:
      return "invalid_bool";
    case CoinError::count_too_large:
      return "count_too_large";
    case CoinError::no_inputs:
      return "no_inputs";
    case CoinError::no_outputs:
      return "no_outputs";
    case CoinError::signature_count_mismatch:
      return "signature_count_mismatch";
    case CoinError::too_many_inputs:
      return "too_many_inputs";
    case CoinError::too_many_outputs:
      return "too_many_outputs";
    case CoinError::duplicate_input:
      return "duplicate_input";
    case CoinError::invalid_type:
      return "invalid_type";
    case CoinError::length_mismatch:
      return "length_mismatch";
    case CoinError::duplicate_output:
      return "duplicate_output";
    case CoinError::invalid_signature:
      return "invalid_signature";
    case CoinError::zero_coin_output:
      return "zero_coin_output";
    case CoinError::output_coins_overflow:
      return "output_coins_overflow";
    case CoinError::inner_hash_mismatch:
      return "inner_hash_mismatch";
    case CoinError::input_not_found:
      return "input_not_found";
    case CoinError::signature_not_owner:
      return "signature_not_owner";
    case CoinError::input_coins_overflow:
      return "input_coins_overflow";
    case CoinError::insufficient_coins:
      return "insufficient_coins";
    case CoinError::coins_destroyed:
      return "coins_destroyed";
    case CoinError::input_hours_overflow:
      return "input_hours_overflow";
    case CoinError::insufficient_hours:
      return "insufficient_hours";
    case CoinError::output_hours_overflow:
      return "output_hours_overflow";
    case CoinError::coin_hours_overflow:
      return "coin_hours_overflow";
    case CoinError::output_collides_unspent:
      return "output_collides_unspent";
    case CoinError::block_seq_invalid:
      return "block_seq_invalid";
    case CoinError::block_time_not_increasing:
      return "block_time_not_increasing";
    case CoinError::prev_hash_mismatch:
      return "prev_hash_mismatch";
    case CoinError::body_hash_mismatch:
      return "body_hash_mismatch";
    case CoinError::ux_hash_mismatch:
      return "ux_hash_mismatch";
    case CoinError::double_spend_in_block:
      return "double_spend_in_block";
    case CoinError::duplicate_output_in_block:
      return "duplicate_output_in_block";
    case CoinError::no_transactions:
      return "no_transactions";
    case CoinError::block_signature_invalid:
      return "block_signature_invalid";
    case CoinError::genesis_mismatch:
      return "genesis_mismatch";
    case CoinError::invalid_genesis:
      return "invalid_genesis";
    case CoinError::transaction_too_large:
      return "transaction_too_large";
    case CoinError::zero_fee:
      return "zero_fee";
    case CoinError::insufficient_fee:
      return "insufficient_fee";
    case CoinError::locked_input:
      return "locked_input";
    case CoinError::droplet_precision:
      return "droplet_precision";
    case CoinError::block_too_large:
      return "block_too_large";
  }
  return "unknown";
}

std::string CoinFault::to_string() const {
  std::string out(coin_error_name(code));
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

CoinException::CoinException(CoinFault fault) : std::runtime_error(fault.to_string()), code_(fault.code) {}

}  // namespace skymesh::coin
