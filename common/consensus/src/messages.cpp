// Wire encoding of proposals, votes and certificates, and decoders that refuse anything malformed.
#include "skymesh/consensus/messages.hpp"

#include <array>
#include <optional>
#include <string>

namespace skymesh::consensus {

namespace {

void put_vote_body(coin::Encoder& out, const Vote& vote) {
  out.u64(vote.height);
  out.u32(vote.round);
  out.raw(vote.block_hash.view());
  out.raw(vote.signer.view());
  out.raw(vote.signature.view());
}

// coin::Decoder plus the first fault of our own (a bad key, tag or valid_round), so the decoder keeps reading
// fixed-size fields and the caller checks once.
class Reader {
 public:
  explicit Reader(ByteView bytes) : in_(bytes) {}
  coin::Decoder& in() { return in_; }
  void refuse(std::string problem) {
    if (problem_.empty()) problem_ = std::move(problem);
  }
  bool ok() const { return in_.ok() && problem_.empty(); }
  Check finish(std::string_view what) {
    coin::Check done = in_.finish();
    if (!done) return ConsensusFault{ConsensusError::malformed, std::string(what) + ": " + done.fault().to_string()};
    if (!problem_.empty()) return ConsensusFault{ConsensusError::malformed, std::string(what) + ": " + problem_};
    return {};
  }

  template <typename Fixed>
  Fixed fixed(std::string_view what) {
    Fixed out;
    in_.raw(out.bytes(), what);
    return out;
  }
  // A 33-byte compressed key; refused when it is not a point on the curve.
  std::optional<cipher::PublicKey> key(const cipher::Secp256k1& ctx, std::string_view what) {
    std::array<uint8_t, cipher::PublicKey::k_size> raw{};
    in_.raw(raw, what);
    if (!in_.ok()) return std::nullopt;
    auto key = cipher::PublicKey::try_from_bytes(ctx, raw);
    if (!key) {
      refuse(std::string(what) + " is not a public key: " + key.fault().to_string());
      return std::nullopt;
    }
    return key.value();
  }
  void tag(MessageTag want) {
    const uint8_t tag = in_.u8();
    if (in_.ok() && tag != static_cast<uint8_t>(want)) {
      refuse("tag " + std::to_string(tag) + " where " + std::to_string(static_cast<int>(want)) + " was expected");
    }
  }

 private:
  coin::Decoder in_;
  std::string problem_;
};

// Reads signer and signature of a vote whose other fields are known.
std::optional<Vote> read_vote_tail(const cipher::Secp256k1& ctx, Reader& r, VoteKind kind, uint64_t height,
                                   uint32_t round, const BlockHash& hash) {
  auto signer = r.key(ctx, "signer");
  auto signature = r.fixed<cipher::Signature>("signature");
  if (!r.ok() || !signer) return std::nullopt;
  return Vote{kind, height, round, hash, *signer, signature};
}

std::optional<Vote> read_vote(const cipher::Secp256k1& ctx, Reader& r) {
  const uint8_t tag = r.in().u8();
  if (!r.ok()) return std::nullopt;
  if (tag != static_cast<uint8_t>(MessageTag::prevote) && tag != static_cast<uint8_t>(MessageTag::precommit)) {
    r.refuse("vote kind " + std::to_string(tag) + " is neither prevote nor precommit");
    return std::nullopt;
  }
  const uint64_t height = r.in().u64();
  const uint32_t round = r.in().u32();
  const auto hash = r.fixed<BlockHash>("block hash");
  return read_vote_tail(ctx, r, static_cast<VoteKind>(tag), height, round, hash);
}

}  // namespace

std::string_view vote_kind_name(VoteKind kind) {
  return kind == VoteKind::prevote ? "prevote" : "precommit";
}

Bytes encode(const Proposal& proposal) {
  coin::Encoder out(1 + 8 + 4 + 4 + 32 + 4 + proposal.block.size() + 65);
  out.u8(static_cast<uint8_t>(MessageTag::proposal));
  out.u64(proposal.height);
  out.u32(proposal.round);
  out.i32(proposal.valid_round);
  out.raw(proposal.block_hash.view());
  out.bytes(proposal.block);
  out.raw(proposal.signature.view());
  return std::move(out).take();
}

Bytes encode(const Vote& vote) {
  coin::Encoder out(1 + 8 + 4 + 32 + 33 + 65);
  out.u8(static_cast<uint8_t>(vote.kind));
  put_vote_body(out, vote);
  return std::move(out).take();
}

Bytes encode(const CommitCertificate& certificate) {
  coin::Encoder out(1 + 8 + 4 + 32 + 4 + certificate.precommits.size() * 98);
  out.u8(static_cast<uint8_t>(MessageTag::certificate));
  out.u64(certificate.height);
  out.u32(certificate.round);
  out.raw(certificate.block_hash.view());
  out.count(certificate.precommits.size());
  for (const Vote& vote : certificate.precommits) {
    out.raw(vote.signer.view());
    out.raw(vote.signature.view());
  }
  return std::move(out).take();
}

Bytes encode(const Message& message) {
  return std::visit([](const auto& value) { return encode(value); }, message);
}

Result<Proposal> decode_proposal(const cipher::Secp256k1&, ByteView bytes) {
  Reader r(bytes);
  coin::Decoder& in = r.in();
  Proposal p;
  r.tag(MessageTag::proposal);
  p.height = in.u64();
  p.round = in.u32();
  p.valid_round = in.i32();
  p.block_hash = r.fixed<BlockHash>("block hash");
  p.block = in.bytes(k_max_block_bytes, "block");
  p.signature = r.fixed<cipher::Signature>("signature");
  if (in.ok() && (p.valid_round < -1 || p.valid_round >= static_cast<int64_t>(p.round))) {
    r.refuse("valid_round " + std::to_string(p.valid_round) + " is not -1 or below round " + std::to_string(p.round));
  }
  if (Check done = r.finish("proposal"); !done) return done.fault();
  return p;
}

Result<Vote> decode_vote(const cipher::Secp256k1& ctx, ByteView bytes) {
  Reader r(bytes);
  auto vote = read_vote(ctx, r);
  if (Check done = r.finish("vote"); !done) return done.fault();
  return *vote;
}

Result<CommitCertificate> decode_certificate(const cipher::Secp256k1& ctx, ByteView bytes) {
  Reader r(bytes);
  coin::Decoder& in = r.in();
  CommitCertificate c;
  r.tag(MessageTag::certificate);
  c.height = in.u64();
  c.round = in.u32();
  c.block_hash = r.fixed<BlockHash>("block hash");
  const uint32_t n = in.count(k_max_certificate_votes, 33 + 65, "precommits");
  c.precommits.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    auto vote = read_vote_tail(ctx, r, VoteKind::precommit, c.height, c.round, c.block_hash);
    if (vote) c.precommits.push_back(std::move(*vote));
  }
  if (Check done = r.finish("certificate"); !done) return done.fault();
  return c;
}

Result<Message> decode_message(const cipher::Secp256k1& ctx, ByteView bytes) {
  if (bytes.empty()) return ConsensusFault{ConsensusError::malformed, "message: no bytes"};
  switch (bytes[0]) {
    case static_cast<uint8_t>(MessageTag::proposal): {
      auto p = decode_proposal(ctx, bytes);
      if (!p) return p.fault();
      return Message(std::move(p).value());
    }
    case static_cast<uint8_t>(MessageTag::prevote):
    case static_cast<uint8_t>(MessageTag::precommit): {
      auto v = decode_vote(ctx, bytes);
      if (!v) return v.fault();
      return Message(std::move(v).value());
    }
    case static_cast<uint8_t>(MessageTag::certificate): {
      auto c = decode_certificate(ctx, bytes);
      if (!c) return c.fault();
      return Message(std::move(c).value());
    }
    default:
      return ConsensusFault{ConsensusError::unknown_message, "message tag " + std::to_string(bytes[0])};
  }
}

}  // namespace skymesh::consensus
