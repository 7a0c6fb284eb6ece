// The chain's consensus hooks (docs/chain.md, "Blocks decided by consensus"): chain.propose, chain.validate,
// chain.commit and chain.certificate, served when the chain runs with --consensus. The chain then makes no block
// itself; a block enters only through chain.commit, carrying the commit certificate that decided it.
#include <algorithm>
#include <chrono>
#include <exception>

#include "chain_service.hpp"
#include "convert.hpp"
#include "importer.hpp"
#include "skymesh/consensus/certificate.hpp"

namespace skymesh::chain {
namespace {

using bus::ErrorCode;

uint64_t unix_seconds() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

bus::Status ChainService::attach_consensus(const std::filesystem::path& certificates_dir, consensus::TrustSet trust,
                                           std::string chain_id) {
  trust_ = std::move(trust);
  chain_id_ = std::move(chain_id);
  try {
    certificates_ = CertificateStore::open(certificates_dir);
  } catch (const StoreError& e) {
    return e.status();
  }
  using namespace proto;
  node_.handle<ChainProposeRequest, ChainProposeReply>("chain.propose", this, &ChainService::propose_call);
  node_.handle<ChainValidateRequest, ChainValidateReply>("chain.validate", this, &ChainService::validate_call);
  node_.handle<ChainCommitRequest, ChainCommitReply>("chain.commit", this, &ChainService::commit_call);
  node_.handle<ChainCertificateRequest, ChainCertificateReply>("chain.certificate", this,
                                                               &ChainService::certificate_call);
  return bus::Status();
}

bus::Status ChainService::propose_call(proto::ChainProposeRequest::Reader request,
                                       proto::ChainProposeReply::Builder reply) {
  if (!store_.head()) return bus::Status(ErrorCode::failed_precondition, "the chain has no block yet");
  const coin::BlockHeader head = *store_.head();
  reply.setSeq(head.seq + 1);
  const uint64_t time = request.getTime() != 0 ? request.getTime() : std::max(unix_seconds(), head.time + 1);
  std::vector<coin::Transaction> chosen;
  uint64_t size = 0;
  for (coin::Transaction& tx : pool_.transactions()) {
    const uint64_t tx_size = coin::encoded_size(tx);
    if (size + tx_size > network_.soft.max_block_size) continue;
    size += tx_size;
    chosen.push_back(std::move(tx));
  }
  if (chosen.empty()) return bus::Status();
  auto snapshot = store_.snapshot();
  auto made = coin::make_block(ctx_, *snapshot, head, std::move(chosen), time, network_.soft);
  if (!made) return bus::Status(ErrorCode::failed_precondition, describe_fault(made.fault()));
  reply.setTransactions(static_cast<uint32_t>(made->transactions.size()));
  reply.setBlock(data_of(coin::encode(made.value())));
  return bus::Status();
}

bus::Status ChainService::validate_call(proto::ChainValidateRequest::Reader request,
                                        proto::ChainValidateReply::Builder reply) {
  auto block = coin::decode_block(view_of(request.getBlock()));
  coin::Result<coin::BlockEffect> checked = block ? [&]() {
    auto snapshot = store_.snapshot();
    return coin::check_block(ctx_, *snapshot, store_.head(), block.value(), network_.genesis);
  }()
                                                  : coin::Result<coin::BlockEffect>(block.fault());
  reply.setOk(static_cast<bool>(checked));
  if (!checked) {
    reply.setCode(static_cast<uint16_t>(checked.fault().code));
    reply.setMessage(describe_fault(checked.fault()));
  }
  return bus::Status();
}

bus::Status ChainService::commit_call(proto::ChainCommitRequest::Reader request,
                                      proto::ChainCommitReply::Builder reply) {
  auto block = coin::decode_block(view_of(request.getBlock()));
  if (!block) return bus::Status(ErrorCode::bad_request, "block: " + describe_fault(block.fault()));
  if (request.getCertificate().size() == 0) {
    return bus::Status(ErrorCode::bad_request, "certificate: a committed block needs its certificate");
  }
  const coin::Sha256 hash = coin::block_hash(block->header);
  const uint64_t seq = block->header.seq;
  // Whoever calls, the block enters only with a quorum of the trust set behind it.
  auto certificate = consensus::decode_certificate(ctx_, view_of(request.getCertificate()));
  if (!certificate) return bus::Status(ErrorCode::bad_request, "certificate: " + certificate.fault().to_string());
  consensus::SignatureChecker checker(ctx_);
  if (auto checked = consensus::check_committed_block(checker, chain_id_, *trust_, certificate.value(),
                                                      view_of(request.getBlock()), seq);
      !checked) {
    return bus::Status(ErrorCode::unauthorized, "certificate: " + checked.fault().to_string());
  }
  reply.setSeq(seq);
  reply.setHash(data_of(hash.view()));
  if (store_.head() && seq <= store_.head()->seq) {
    if (store_.block_hash_at(seq) == hash) {
      reply.setAlreadyCommitted(true);
      return bus::Status();
    }
    return bus::Status(ErrorCode::failed_precondition,
                       "block " + std::to_string(seq) + " is already stored with another hash");
  }
  // The certificate first: a crash before the block leaves a certificate above the head, overwritten later.
  certificates_->put(seq, view_of(request.getCertificate()));
  auto accepted = accept_block(block.value(), std::nullopt);
  if (!accepted) return bus::Status(ErrorCode::failed_precondition, describe_fault(accepted.fault()));
  return bus::Status();
}

bus::Status ChainService::certificate_call(proto::ChainCertificateRequest::Reader request,
                                           proto::ChainCertificateReply::Builder reply) {
  const uint64_t seq = request.getSeq();
  auto stored = (store_.head() && seq <= store_.head()->seq) ? certificates_->get(seq) : std::nullopt;
  if (!stored) return bus::Status(ErrorCode::not_found, "no certificate for block " + std::to_string(seq));
  reply.setSeq(seq);
  reply.setCertificate(data_of(*stored));
  return bus::Status();
}

}  // namespace skymesh::chain
