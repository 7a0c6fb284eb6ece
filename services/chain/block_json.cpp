#include "block_json.hpp"

#include <capnp/compat/json.h>
#include <capnp/message.h>
#include <kj/exception.h>

#include <cmath>
#include <stdexcept>
#include <utility>

namespace skymesh::chain {
namespace {

using JsonReader = capnp::JsonValue::Reader;

// Thrown inside the reader, turned into bad_request at its top.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::optional<JsonReader> member(JsonReader object, std::string_view name) {
  if (object.which() != capnp::JsonValue::OBJECT) return std::nullopt;
  for (auto field : object.getObject()) {
    if (std::string_view(field.getName().cStr(), field.getName().size()) == name) return field.getValue();
  }
  return std::nullopt;
}

JsonReader need(JsonReader object, std::string_view name) {
  auto value = member(object, name);
  if (!value) throw FieldError("missing `" + std::string(name) + "`");
  return *value;
}

uint64_t number(JsonReader object, std::string_view name, uint64_t max) {
  JsonReader v = need(object, name);
  if (v.which() != capnp::JsonValue::NUMBER) throw FieldError("`" + std::string(name) + "` must be a number");
  const double d = v.getNumber();
  if (!(d >= 0) || d != std::floor(d) || d > 9007199254740992.0) {
    throw FieldError("`" + std::string(name) + "` must be a whole number in 0..2^53 (read exactly)");
  }
  const auto n = static_cast<uint64_t>(d);
  if (n > max) throw FieldError("`" + std::string(name) + "` is above " + std::to_string(max));
  return n;
}

std::string_view text(JsonReader v, std::string_view name) {
  if (v.which() != capnp::JsonValue::STRING) throw FieldError("`" + std::string(name) + "` must be a string");
  return std::string_view(v.getString().cStr(), v.getString().size());
}

template <typename Fixed>
Fixed hex_value(JsonReader v, std::string_view name) {
  auto parsed = Fixed::try_from_hex(text(v, name));
  if (!parsed) throw FieldError("`" + std::string(name) + "`: " + parsed.fault().to_string());
  return parsed.value();
}

capnp::List<capnp::JsonValue>::Reader array(JsonReader object, std::string_view name) {
  JsonReader v = need(object, name);
  if (v.which() != capnp::JsonValue::ARRAY) throw FieldError("`" + std::string(name) + "` must be an array");
  return v.getArray();
}

ApiTransaction read_transaction(JsonReader json, coin::Transaction& tx) {
  ApiTransaction claimed;
  tx.length = static_cast<uint32_t>(number(json, "length", UINT32_MAX));
  tx.type = static_cast<uint8_t>(number(json, "type", UINT8_MAX));
  tx.inner_hash = hex_value<coin::Sha256>(need(json, "inner_hash"), "inner_hash");
  claimed.txid = hex_value<coin::Sha256>(need(json, "txid"), "txid");
  for (JsonReader sig : array(json, "sigs")) tx.sigs.push_back(hex_value<coin::Signature>(sig, "sigs[]"));
  for (JsonReader input : array(json, "inputs")) {
    // Plain ids (blocks API) or verbose objects with "uxid".
    JsonReader id = input.which() == capnp::JsonValue::OBJECT ? need(input, "uxid") : input;
    tx.inputs.push_back(hex_value<coin::Sha256>(id, "inputs[]"));
  }
  for (JsonReader out : array(json, "outputs")) {
    coin::TransactionOutput output;
    auto address = cipher::Address::try_from_base58(text(need(out, "dst"), "dst"));
    if (!address) throw FieldError("`dst`: " + address.fault().to_string());
    output.address = address.value();
    const std::string_view coins = text(need(out, "coins"), "coins");
    auto droplets = parse_droplets(coins);
    if (!droplets) throw FieldError("`coins` is not a coin amount with at most 6 decimals: " + std::string(coins));
    output.coins = *droplets;
    output.hours = number(out, "hours", UINT64_MAX);
    claimed.uxids.push_back(hex_value<coin::Sha256>(need(out, "uxid"), "uxid"));
    tx.outputs.push_back(output);
  }
  return claimed;
}

ApiBlock read_block(JsonReader json) {
  ApiBlock out;
  JsonReader header = need(json, "header");
  coin::BlockHeader& h = out.block.header;
  h.seq = number(header, "seq", UINT64_MAX);
  h.time = number(header, "timestamp", UINT64_MAX);
  h.fee = number(header, "fee", UINT64_MAX);
  h.version = static_cast<uint32_t>(number(header, "version", UINT32_MAX));
  h.prev_hash = hex_value<coin::Sha256>(need(header, "previous_block_hash"), "previous_block_hash");
  h.body_hash = hex_value<coin::Sha256>(need(header, "tx_body_hash"), "tx_body_hash");
  h.ux_hash = hex_value<coin::Sha256>(need(header, "ux_hash"), "ux_hash");
  out.hash = hex_value<coin::Sha256>(need(header, "block_hash"), "block_hash");
  auto txns = array(need(json, "body"), "txns");
  for (unsigned i = 0; i < txns.size(); ++i) {
    coin::Transaction tx;
    try {
      out.claimed.push_back(read_transaction(txns[i], tx));
    } catch (const FieldError& e) {
      throw FieldError("transaction " + std::to_string(i) + ": " + e.what());
    }
    out.block.transactions.push_back(std::move(tx));
  }
  return out;
}

}  // namespace

std::optional<uint64_t> parse_droplets(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || frac.size() > coin::k_droplet_exponent || (dot != std::string_view::npos && frac.empty())) {
    return std::nullopt;
  }
  uint64_t value = 0;
  auto add_digits = [&value](std::string_view digits) {
    for (char c : digits) {
      if (c < '0' || c > '9' || value > (UINT64_MAX - 9) / 10) return false;
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return true;
  };
  if (!add_digits(whole)) return std::nullopt;
  if (!add_digits(frac)) return std::nullopt;
  for (size_t i = frac.size(); i < coin::k_droplet_exponent; ++i) {
    if (value > UINT64_MAX / 10) return std::nullopt;
    value *= 10;
  }
  return value;
}

bus::Result<std::vector<ApiBlock>> read_api_blocks(std::string_view json) {
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<capnp::JsonValue>();
  try {
    capnp::JsonCodec codec;
    codec.decodeRaw(kj::ArrayPtr<const char>(json.data(), json.size()), root);
  } catch (const kj::Exception& e) {
    return bus::Status(bus::ErrorCode::bad_request,
                       "blocks file is not JSON: " + std::string(e.getDescription().cStr()));
  }
  auto blocks = member(root.asReader(), "blocks");
  if (!blocks || blocks->which() != capnp::JsonValue::ARRAY) {
    return bus::Status(bus::ErrorCode::bad_request, "blocks file: expected an object with a `blocks` array");
  }
  std::vector<ApiBlock> out;
  auto list = blocks->getArray();
  out.reserve(list.size());
  for (unsigned i = 0; i < list.size(); ++i) {
    try {
      out.push_back(read_block(list[i]));
    } catch (const FieldError& e) {
      return bus::Status(bus::ErrorCode::bad_request, "blocks file: block " + std::to_string(i) + ": " + e.what());
    }
  }
  return out;
}

std::string check_claimed_ids(const ApiBlock& api) {
  const std::string where = "block " + std::to_string(api.block.header.seq) + ": ";
  const coin::Sha256 hash = coin::block_hash(api.block.header);
  if (hash != api.hash) return where + "block hash is " + hash.hex() + ", the file says " + api.hash.hex();
  for (size_t i = 0; i < api.block.transactions.size(); ++i) {
    const coin::Transaction& tx = api.block.transactions[i];
    const coin::Sha256 txid = coin::transaction_id(tx);
    if (txid != api.claimed[i].txid) {
      return where + "transaction " + std::to_string(i) + " id is " + txid.hex() + ", the file says " +
             api.claimed[i].txid.hex();
    }
    // create_unspents: the genesis outputs name the zero hash as their source transaction.
    const std::vector<coin::UxOut> created = coin::create_unspents(api.block.header, tx);
    for (size_t j = 0; j < created.size(); ++j) {
      const coin::Sha256 uxid = coin::ux_id(created[j]);
      if (uxid != api.claimed[i].uxids[j]) {
        return where + "transaction " + std::to_string(i) + " output " + std::to_string(j) + " id is " + uxid.hex() +
               ", the file says " + api.claimed[i].uxids[j].hex();
      }
    }
  }
  return {};
}

}  // namespace skymesh::chain
