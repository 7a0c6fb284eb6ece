// The protocol's three signed values and their one binary encoding (coin::Encoder: little-endian, u32 counts).
// A proposal carries a block and its SHA-256; a vote names a block hash or nil (the zero hash); a commit
// certificate is a quorum of precommits for one block. Decoders refuse malformed input with a ConsensusFault.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "skymesh/cipher/hash.hpp"
#include "skymesh/cipher/keys.hpp"
#include "skymesh/cipher/signature.hpp"
#include "skymesh/coin/encoding.hpp"
#include "skymesh/consensus/error.hpp"

namespace skymesh::consensus {

using cipher::Bytes;
using cipher::ByteView;
// SHA-256 of a block's bytes; the zero hash means nil (no block).
using BlockHash = cipher::Sha256;

inline constexpr uint32_t k_max_block_bytes = 8 * 1024 * 1024;
inline constexpr uint32_t k_max_certificate_votes = 1024;

// Tags of the wire encoding; also the kind byte of the sign bytes. Stable.
enum class MessageTag : uint8_t { proposal = 1, prevote = 2, precommit = 3, certificate = 4 };
enum class VoteKind : uint8_t { prevote = 2, precommit = 3 };

std::string_view vote_kind_name(VoteKind kind);

struct Proposal {
  uint64_t height = 0;
  uint32_t round = 0;
  Bytes block;
  BlockHash block_hash;
  int32_t valid_round = -1;  // the round of the prevote quorum (proof of lock) behind a re-proposal, or -1
  cipher::Signature signature;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

struct Vote {
  VoteKind kind;
  uint64_t height;
  uint32_t round;
  BlockHash block_hash;  // zero: nil
  cipher::PublicKey signer;
  cipher::Signature signature;
  bool is_nil() const noexcept { return block_hash.is_null(); }
  friend bool operator==(const Vote&, const Vote&) = default;
};

struct CommitCertificate {
  uint64_t height = 0;
  uint32_t round = 0;
  BlockHash block_hash;
  std::vector<Vote> precommits;  // each for (height, round, block_hash); encoded as signer and signature only
  friend bool operator==(const CommitCertificate&, const CommitCertificate&) = default;
};

using Message = std::variant<Proposal, Vote, CommitCertificate>;

Bytes encode(const Proposal& proposal);
Bytes encode(const Vote& vote);
Bytes encode(const CommitCertificate& certificate);
Bytes encode(const Message& message);

// Decoders check form only (sizes, tags, valid_round < round, points on the curve); signatures are checked by
// signing.hpp. They need the secp256k1 context to parse public keys.
Result<Proposal> decode_proposal(const cipher::Secp256k1& ctx, ByteView bytes);
Result<Vote> decode_vote(const cipher::Secp256k1& ctx, ByteView bytes);
Result<CommitCertificate> decode_certificate(const cipher::Secp256k1& ctx, ByteView bytes);
// Any of the three, told apart by the first byte.
Result<Message> decode_message(const cipher::Secp256k1& ctx, ByteView bytes);

}  // namespace skymesh::consensus
