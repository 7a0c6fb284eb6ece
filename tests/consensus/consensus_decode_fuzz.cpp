// Fuzz target for the consensus decoders: arbitrary bytes as a proposal, a vote, a certificate, any message and a
// WAL record. Nothing may crash, leak or trip a sanitizer; every refusal is a Result error. Whatever decodes must
// re-encode to the same bytes (one encoding per value), and checking its signatures must run to an answer.
#include <cstddef>
#include <cstdint>

#include "consensus_fixture.hpp"
#include "skymesh/consensus/certificate.hpp"
#include "skymesh/consensus/wal.hpp"

namespace {

using namespace skymesh;
using namespace skymesh::consensus;

template <typename T>
void require_round_trip(const Result<T>& decoded, ByteView bytes) {
  if (!decoded) return;
  const Bytes again = encode(decoded.value());
  if (again.size() != bytes.size() || !std::equal(again.begin(), again.end(), bytes.begin())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView bytes(data, size);
  const auto& ctx = test::context();
  static const TrustSet trust = test::trust_set_of(test::test_keys(4));
  static SignatureChecker checker(ctx);
  auto proposal = decode_proposal(ctx, bytes);
  require_round_trip(proposal, bytes);
  if (proposal) (void)verify_proposal(checker, test::k_chain_id, trust, proposal.value());
  auto vote = decode_vote(ctx, bytes);
  require_round_trip(vote, bytes);
  if (vote) (void)verify_vote(checker, test::k_chain_id, trust, vote.value());
  auto certificate = decode_certificate(ctx, bytes);
  require_round_trip(certificate, bytes);
  if (certificate) {
    (void)check_certificate(checker, test::k_chain_id, trust, certificate.value(), certificate.value().height);
  }
  require_round_trip(decode_message(ctx, bytes), bytes);
  auto record = decode_wal_record(ctx, bytes);
  if (record) {
    const Bytes again = encode_wal_record(record.value());
    if (again.size() != size || !std::equal(again.begin(), again.end(), bytes.begin())) __builtin_trap();
  }
  return 0;
}
