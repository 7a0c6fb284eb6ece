// check_certificate: the quorum of distinct, trusted, valid precommits for one block at one height.
#include <catch2/catch.hpp>

#include "consensus_fixture.hpp"
#include "skymesh/consensus/certificate.hpp"

using namespace skymesh;
using namespace skymesh::consensus;
using namespace skymesh::consensus::test;

namespace {

struct Fixture {
  std::vector<cipher::KeyPair> keys = test_keys(7);
  TrustSet trust = trust_set_of(keys);
  SignatureChecker checker{context()};
  Bytes block{'b', 'l', 'o', 'c', 'k'};
  BlockHash hash = cipher::sha256(block);

  CommitCertificate signed_by(std::size_t count, uint64_t height = 4, uint32_t round = 2) {
    CommitCertificate c{height, round, hash, {}};
    for (std::size_t i = 0; i < count; ++i) {
      c.precommits.push_back(sign_vote(context(), k_chain_id, VoteKind::precommit, height, round, hash, keys[i]));
    }
    return c;
  }
  ConsensusError error_of(const CommitCertificate& c, uint64_t height = 4) {
    auto r = check_certificate(checker, k_chain_id, trust, c, height);
    REQUIRE_FALSE(r);
    return r.error();
  }
};

}  // namespace

TEST_CASE("a certificate with a quorum of valid precommits checks") {
  Fixture f;
  REQUIRE(f.trust.quorum() == 5);
  CHECK(check_certificate(f.checker, k_chain_id, f.trust, f.signed_by(5), 4));
  CHECK(check_certificate(f.checker, k_chain_id, f.trust, f.signed_by(7), 4));
  CHECK(check_committed_block(f.checker, k_chain_id, f.trust, f.signed_by(5), f.block, 4));
}

TEST_CASE("a certificate one signer short of the quorum is refused") {
  Fixture f;
  CHECK(f.error_of(f.signed_by(4)) == ConsensusError::not_a_quorum);
  CHECK(f.error_of(f.signed_by(0)) == ConsensusError::not_a_quorum);
}

TEST_CASE("a signer counted twice does not make a quorum") {
  Fixture f;
  auto c = f.signed_by(4);
  c.precommits.push_back(c.precommits[0]);
  CHECK(f.error_of(c) == ConsensusError::duplicate_signer);
}

TEST_CASE("one bad precommit spoils a certificate") {
  Fixture f;
  auto c = f.signed_by(6);
  c.precommits[3].signature.bytes()[10] ^= 1;
  CHECK(f.error_of(c) == ConsensusError::invalid_signature);

  auto other = f.signed_by(6);
  // A prevote's signature under a precommit's fields.
  other.precommits[2].signature =
      sign_vote(context(), k_chain_id, VoteKind::prevote, 4, 2, f.hash, f.keys[2]).signature;
  CHECK(f.error_of(other) == ConsensusError::invalid_signature);

  auto stranger = f.signed_by(5);
  stranger.precommits.push_back(sign_vote(context(), k_chain_id, VoteKind::precommit, 4, 2, f.hash, test_key(20)));
  CHECK(f.error_of(stranger) == ConsensusError::unknown_signer);
}

TEST_CASE("a certificate for another height, for nil, or for another block is refused") {
  Fixture f;
  CHECK(f.error_of(f.signed_by(5), 5) == ConsensusError::wrong_height);
  auto nil = f.signed_by(0);
  nil.block_hash = BlockHash{};
  CHECK(f.error_of(nil) == ConsensusError::nil_certificate);
  const Bytes other{'o', 't', 'h', 'e', 'r'};
  auto r = check_committed_block(f.checker, k_chain_id, f.trust, f.signed_by(5), other, 4);
  REQUIRE_FALSE(r);
  CHECK(r.error() == ConsensusError::block_hash_mismatch);
}
