// Commit certificates: the quorum of precommits that committed a block. A lagging node accepts a block from a
// peer only with a certificate that passes check_certificate, so it never needs to trust the peer.
#pragma once

#include <cstdint>
#include <string_view>

#include "skymesh/consensus/messages.hpp"
#include "skymesh/consensus/signing.hpp"
#include "skymesh/consensus/trust_set.hpp"

namespace skymesh::consensus {

// The certificate is for `height`, names a block (not nil), and holds at least a quorum of distinct trusted
// signers whose precommits for (height, round, block_hash) verify. Any bad precommit refuses the whole.
Check check_certificate(SignatureChecker& checker, std::string_view chain_id, const TrustSet& trust,
                        const CommitCertificate& certificate, uint64_t height);

// check_certificate, and the block hashes to the certificate's block hash.
Check check_committed_block(SignatureChecker& checker, std::string_view chain_id, const TrustSet& trust,
                            const CommitCertificate& certificate, ByteView block, uint64_t height);

}  // namespace skymesh::consensus
