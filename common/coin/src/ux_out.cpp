// Unspent outputs: encoding, ids and coin hours.
#include "skymesh/coin/ux_out.hpp"

#include "skymesh/coin/params.hpp"

namespace skymesh::coin {
namespace {

void encode_body(Encoder& out, const UxBody& body) {
  out.raw(body.source_transaction.view());
  out.raw(body.address.to_binary());
  out.u64(body.coins);
  out.u64(body.hours);
}

void encode_head(Encoder& out, const UxHead& head) {
  out.u64(head.time);
  out.u64(head.block_seq);
}

enum class HoursOutcome { ok, multiply_overflow, add_overflow };

HoursOutcome compute_hours(const UxOut& ux, uint64_t t, uint64_t& hours) {
  hours = 0;
  if (t < ux.head.time) {
    hours = ux.body.hours;
    return HoursOutcome::ok;
  }
  const uint64_t seconds = t - ux.head.time;
  uint64_t whole_coin_seconds = 0;
  uint64_t droplet_seconds = 0;
  if (__builtin_mul_overflow(seconds, ux.body.coins / k_droplets_per_coin, &whole_coin_seconds) ||
      __builtin_mul_overflow(seconds, ux.body.coins % k_droplets_per_coin, &droplet_seconds)) {
    return HoursOutcome::multiply_overflow;
  }
  // Skycoin adds these without a check (unsigned wrap-around); kept bit for bit.
  const uint64_t coin_seconds = whole_coin_seconds + droplet_seconds / k_droplets_per_coin;
  if (__builtin_add_overflow(ux.body.hours, coin_seconds / 3600, &hours)) return HoursOutcome::add_overflow;
  return HoursOutcome::ok;
}

CoinFault hours_fault(const UxOut& ux, uint64_t t, HoursOutcome outcome) {
  return CoinFault{CoinError::coin_hours_overflow,
                   std::string(outcome == HoursOutcome::add_overflow ? "adding earned hours" : "seconds x coins") +
                       " overflows u64 for output " + ux_id(ux).hex() + " at time " + std::to_string(t)};
}

}  // namespace

Sha256 ux_id(const UxBody& body) {
  Encoder out(32 + 21 + 16);
  encode_body(out, body);
  return cipher::sha256(out.data());
}

Sha256 snapshot_hash(const UxOut& ux) {
  Encoder out(32 + 21 + 16 + 16);
  encode_body(out, ux.body);
  encode_head(out, ux.head);
  return cipher::sha256(out.data());
}

void encode_to(Encoder& out, const UxOut& ux) {
  encode_head(out, ux.head);
  encode_body(out, ux.body);
}

Bytes encode(const UxOut& ux) {
  Encoder out(16 + 32 + 21 + 16);
  encode_to(out, ux);
  return std::move(out).take();
}

void decode_from(Decoder& in, UxOut& ux) {
  ux.head.time = in.u64();
  ux.head.block_seq = in.u64();
  in.raw(ux.body.source_transaction.bytes(), "source transaction");
  uint8_t version = in.u8();
  cipher::Ripemd160 key;
  in.raw(key.bytes(), "address key");
  ux.body.address = Address(version, key);
  ux.body.coins = in.u64();
  ux.body.hours = in.u64();
}

Result<UxOut> decode_ux_out(ByteView bytes) {
  return decode_exact<UxOut>(bytes, [](Decoder& in, UxOut& ux) { decode_from(in, ux); });
}

Result<uint64_t> coin_hours(const UxOut& ux, uint64_t t) {
  uint64_t hours = 0;
  HoursOutcome outcome = compute_hours(ux, t, hours);
  if (outcome != HoursOutcome::ok) return hours_fault(ux, t, outcome);
  return hours;
}

Result<uint64_t> coin_hours_for_spending(const UxOut& ux, uint64_t t) {
  uint64_t hours = 0;
  HoursOutcome outcome = compute_hours(ux, t, hours);
  if (outcome == HoursOutcome::add_overflow) return uint64_t{0};
  if (outcome != HoursOutcome::ok) return hours_fault(ux, t, outcome);
  return hours;
}

}  // namespace skymesh::coin
