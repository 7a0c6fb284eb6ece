// Encoding, decoding, sign bytes and signature checks of proposals, votes and certificates, and the trust set's
// quorum arithmetic.
#include <catch2/catch.hpp>
#include <cstring>
#include <set>

#include "consensus_fixture.hpp"
#include "skymesh/consensus/signing.hpp"

using namespace skymesh;
using namespace skymesh::consensus;
using namespace skymesh::consensus::test;

namespace {

Bytes block_bytes(const char* text) {
  return Bytes(text, text + std::strlen(text));
}

const cipher::KeyPair& proposer_key(const std::vector<cipher::KeyPair>& keys, const TrustSet& trust, uint64_t h,
                                    uint32_t r) {
  for (const auto& k : keys) {
    if (k.public_key == trust.proposer(h, r)) return k;
  }
  FAIL("no proposer key");
  return keys.front();
}

}  // namespace

TEST_CASE("quorum is floor(2n/3)+1 and any two quorums share more than f signers") {
  const std::vector<std::pair<std::size_t, std::size_t>> expected{{1, 1}, {2, 2}, {3, 3}, {4, 3},
                                                                  {5, 4}, {6, 5}, {7, 5}, {10, 7}};
  for (auto [n, quorum] : expected) {
    auto trust = trust_set_of(test_keys(n));
    CHECK(trust.quorum() == quorum);
  }
  for (std::size_t n = 1; n <= 30; ++n) {
    const std::size_t q = 2 * n / 3 + 1, f = n - q;
    CHECK(2 * q > n + f);  // safety: two quorums intersect in an honest signer
    CHECK(3 * f < n);      // fewer than a third faulty
    CHECK(n - f >= q);     // liveness: the honest alone form a quorum
  }
}

TEST_CASE("a trust set is sorted and deduplicated, whatever order its keys come in") {
  auto keys = test_keys(5);
  std::vector<cipher::PublicKey> forward, backward;
  for (const auto& k : keys) forward.push_back(k.public_key);
  backward.assign(forward.rbegin(), forward.rend());
  backward.push_back(forward[2]);
  auto a = TrustSet::create(forward).value();
  auto b = TrustSet::create(backward).value();
  CHECK(a.keys() == b.keys());
  CHECK(b.size() == 5);
  CHECK(std::is_sorted(a.keys().begin(), a.keys().end()));
  CHECK(a.index_of(test_key(7).public_key) == std::nullopt);
  auto empty = TrustSet::create({});
  REQUIRE_FALSE(empty);
  CHECK(empty.error() == ConsensusError::invalid_trust_set);
}

TEST_CASE("the proposer rotates through every key over n rounds") {
  auto trust = trust_set_of(test_keys(7));
  for (uint64_t h : {1ull, 2ull, 1000ull}) {
    std::set<std::size_t> seen;
    for (uint32_t r = 0; r < 7; ++r) seen.insert(trust.proposer_index(h, r));
    CHECK(seen.size() == 7);
  }
  CHECK(trust.proposer_index(~0ull, ~0u) < 7);
}

TEST_CASE("votes, proposals and certificates decode to what was encoded") {
  const auto keys = test_keys(4);
  const auto trust = trust_set_of(keys);
  const auto& ctx = context();
  const Proposal p =
      sign_proposal(ctx, k_chain_id, 9, 3, block_bytes("block nine"), 1, proposer_key(keys, trust, 9, 3).secret_key);
  auto p2 = decode_proposal(ctx, encode(p));
  REQUIRE(p2);
  CHECK(p2.value() == p);

  const Vote v = sign_vote(ctx, k_chain_id, VoteKind::precommit, 9, 3, p.block_hash, keys[2]);
  auto v2 = decode_vote(ctx, encode(v));
  REQUIRE(v2);
  CHECK(v2.value() == v);
  const Vote nil = sign_vote(ctx, k_chain_id, VoteKind::prevote, 9, 3, BlockHash{}, keys[1]);
  CHECK(decode_vote(ctx, encode(nil)).value().is_nil());

  CommitCertificate c{9, 3, p.block_hash, {}};
  for (int i = 0; i < 3; ++i) {
    c.precommits.push_back(sign_vote(ctx, k_chain_id, VoteKind::precommit, 9, 3, p.block_hash, keys[i]));
  }
  auto c2 = decode_certificate(ctx, encode(c));
  REQUIRE(c2);
  CHECK(c2.value() == c);
  auto any = decode_message(ctx, encode(Message(c)));
  REQUIRE(any);
  CHECK(std::get<CommitCertificate>(any.value()) == c);
}

TEST_CASE("decoders refuse truncated, padded, mistagged and ill-formed messages") {
  const auto keys = test_keys(4);
  const auto& ctx = context();
  const Vote v = sign_vote(ctx, k_chain_id, VoteKind::prevote, 1, 0, BlockHash{}, keys[0]);
  Bytes bytes = encode(v);

  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    auto r = decode_vote(ctx, ByteView(bytes.data(), cut));
    REQUIRE_FALSE(r);
    CHECK(r.error() == ConsensusError::malformed);
  }
  Bytes padded = bytes;
  padded.push_back(0);
  CHECK(decode_vote(ctx, padded).error() == ConsensusError::malformed);
  Bytes bad_kind = bytes;
  bad_kind[0] = 7;
  CHECK(decode_vote(ctx, bad_kind).error() == ConsensusError::malformed);
  CHECK(decode_message(ctx, bad_kind).error() == ConsensusError::unknown_message);
  Bytes bad_key = bytes;
  bad_key[1 + 8 + 4 + 32] = 0x05;  // not a compressed-point prefix
  auto r = decode_vote(ctx, bad_key);
  REQUIRE_FALSE(r);
  CHECK(r.fault().message.find("signer") != std::string::npos);

  // A proposal whose valid_round is not below its round.
  Proposal p = sign_proposal(ctx, k_chain_id, 1, 2, block_bytes("b"), -1, keys[0].secret_key);
  p.valid_round = 2;
  CHECK(decode_proposal(ctx, encode(p)).error() == ConsensusError::malformed);
  p.valid_round = -2;
  CHECK(decode_proposal(ctx, encode(p)).error() == ConsensusError::malformed);

  // A certificate announcing more precommits than its bytes hold.
  CommitCertificate c{1, 0, cipher::sha256(block_bytes("b")), {}};
  Bytes cb = encode(c);
  cb[1 + 8 + 4 + 32] = 0xff;
  CHECK(decode_certificate(ctx, cb).error() == ConsensusError::malformed);
  CHECK(decode_message(ctx, Bytes{}).error() == ConsensusError::malformed);
}

TEST_CASE("a signature is bound to its chain, kind, height, round and block") {
  const auto keys = test_keys(4);
  const auto trust = trust_set_of(keys);
  const auto& ctx = context();
  SignatureChecker checker(ctx);
  const BlockHash hash = cipher::sha256(block_bytes("x"));
  const Vote v = sign_vote(ctx, k_chain_id, VoteKind::prevote, 5, 1, hash, keys[3]);
  CHECK(verify_vote(checker, k_chain_id, trust, v));
  CHECK(verify_vote(checker, "another-chain", trust, v).error() == ConsensusError::invalid_signature);
  Vote changed = v;
  changed.kind = VoteKind::precommit;
  CHECK_FALSE(verify_vote(checker, k_chain_id, trust, changed));
  changed = v;
  changed.round = 2;
  CHECK_FALSE(verify_vote(checker, k_chain_id, trust, changed));
  changed = v;
  changed.height = 6;
  CHECK_FALSE(verify_vote(checker, k_chain_id, trust, changed));
  changed = v;
  changed.block_hash = BlockHash{};
  CHECK_FALSE(verify_vote(checker, k_chain_id, trust, changed));
  changed = v;
  changed.signer = keys[2].public_key;
  CHECK_FALSE(verify_vote(checker, k_chain_id, trust, changed));
  // Remembered answers stay right: the original still verifies, the changed ones still do not.
  CHECK(verify_vote(checker, k_chain_id, trust, v));
  CHECK_FALSE(verify_vote(checker, k_chain_id, trust, changed));

  const Vote stranger = sign_vote(ctx, k_chain_id, VoteKind::prevote, 5, 1, hash, test_key(9));
  CHECK(verify_vote(checker, k_chain_id, trust, stranger).error() == ConsensusError::unknown_signer);
}

TEST_CASE("a proposal must come from its round's proposer and carry the block it names") {
  const auto keys = test_keys(4);
  const auto trust = trust_set_of(keys);
  const auto& ctx = context();
  SignatureChecker checker(ctx);
  const auto& right = proposer_key(keys, trust, 3, 0);
  const auto& wrong = proposer_key(keys, trust, 3, 1);
  const Proposal good = sign_proposal(ctx, k_chain_id, 3, 0, block_bytes("three"), -1, right.secret_key);
  CHECK(verify_proposal(checker, k_chain_id, trust, good));
  const Proposal bad = sign_proposal(ctx, k_chain_id, 3, 0, block_bytes("three"), -1, wrong.secret_key);
  CHECK(verify_proposal(checker, k_chain_id, trust, bad).error() == ConsensusError::wrong_proposer);
  Proposal swapped = good;
  swapped.block = block_bytes("four");
  CHECK(verify_proposal(checker, k_chain_id, trust, swapped).error() == ConsensusError::block_hash_mismatch);
  Proposal moved = good;
  moved.valid_round = 0;  // signed with -1
  CHECK_FALSE(verify_proposal(checker, k_chain_id, trust, moved));
}
