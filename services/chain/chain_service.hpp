// The chain serverlet's handlers: chain.status, block, blocks, transaction, outputs, balance, history, inject,
// object, pool and make_block over the bus (proto/chain.capnp), and the topic chain.blocks (a durable log: every
// block since seq N, then live). Every block that enters the store (genesis, made here, or followed from another node)
// goes through accept_block, which writes it, publishes it and prunes the pool.
//
// Threading: handlers run in fibers on the node's reactor thread; the store, pool and log are used only there.
// Signatures (of blocks, made blocks and injected transactions) are recovered on worker threads while the
// calling fiber waits; every check against the store runs after that wait, on the state of that moment.
// Storage failures (StoreError) are answered with the bus code `storage`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "block_pipeline.hpp"
#include "certificate_store.hpp"
#include "chain_store.hpp"
#include "network.hpp"
#include "pool.hpp"
#include "signature_workers.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/consensus/trust_set.hpp"
#include "skymesh/proto/chain.capnp.h"

namespace skymesh::chain {

constexpr uint64_t k_max_blocks_per_call = 1000;
constexpr size_t k_max_addresses_per_call = 1000;
constexpr size_t k_max_history_per_call = 1000;  // transactions, rounded up to a whole block
constexpr const char* k_blocks_topic = "chain.blocks";

class ChainService {
 public:
  // Borrows node, ctx and store; they must outlive the service. block_key: the network's block-making secret key
  // (only on the node that makes blocks; its public key must be the network's).
  ChainService(bus::Node& node, const cipher::Secp256k1& ctx, ChainStore& store, Network network,
               std::optional<cipher::SecretKey> block_key);
  ChainService(const ChainService&) = delete;
  ChainService& operator=(const ChainService&) = delete;

  // Registers the methods and the topic (its durable log under topics_dir), writes the network's genesis block
  // if the store is empty, and republishes any stored block the log lacks (after a crash between the two).
  bus::Status attach(const std::filesystem::path& topics_dir);

  // A block from outside (another node): block_signature_invalid unless the block-maker signed it, then the hard
  // rules; written, published, the pool pruned.
  coin::Result<coin::BlockEffect> accept_signed_block(const coin::SignedBlock& block);
  // Makes, signs and accepts the next block from the pool (failed_precondition without the key or transactions).
  bus::Result<coin::Block> make_block(uint64_t time);

  // consensus_hooks.cpp (--consensus): opens the certificate store and serves chain.propose, validate, commit and
  // certificate.
  // A block is committed only with a certificate that a quorum of `trust` signed for it under `chain_id`.
  bus::Status attach_consensus(const std::filesystem::path& certificates_dir, consensus::TrustSet trust,
                               std::string chain_id);

  const ChainStore& store() const { return store_; }
  const Network& network() const { return network_; }

 private:
  // `recovered`: the block's signature owners when the caller has them already (make_block); otherwise the
  // pipeline recovers them on the workers.
  coin::Result<coin::BlockEffect> accept_block(const coin::Block& block, const std::optional<coin::Signature>& sig,
                                               const coin::RecoveredSigners* recovered = nullptr);
  bus::Status publish_block(uint64_t seq);

  bus::Status status(proto::ChainStatusRequest::Reader request, proto::ChainStatusReply::Builder reply);
  bus::Status block(proto::ChainBlockRequest::Reader request, proto::ChainBlock::Builder reply);
  bus::Status blocks(proto::ChainBlocksRequest::Reader request, proto::ChainBlocksReply::Builder reply);
  bus::Status transaction(proto::ChainTransactionRequest::Reader request, proto::ChainTransactionReply::Builder reply);
  bus::Status outputs(proto::ChainAddressesRequest::Reader request, proto::ChainOutputsReply::Builder reply);
  bus::Status balance(proto::ChainAddressesRequest::Reader request, proto::ChainBalanceReply::Builder reply);
  // history_service.cpp
  bus::Status history(proto::ChainHistoryRequest::Reader request, proto::ChainHistoryReply::Builder reply);
  bus::Status inject(proto::ChainInjectRequest::Reader request, proto::ChainInjectReply::Builder reply);
  bus::Status object(proto::ChainObjectRequest::Reader request, proto::ChainObjectReply::Builder reply);
  bus::Status pool(proto::ChainPoolRequest::Reader request, proto::ChainPoolReply::Builder reply);
  bus::Status make_block_call(proto::ChainMakeBlockRequest::Reader request, proto::ChainMakeBlockReply::Builder reply);
  // consensus_hooks.cpp
  bus::Status propose_call(proto::ChainProposeRequest::Reader request, proto::ChainProposeReply::Builder reply);
  bus::Status validate_call(proto::ChainValidateRequest::Reader request, proto::ChainValidateReply::Builder reply);
  bus::Status commit_call(proto::ChainCommitRequest::Reader request, proto::ChainCommitReply::Builder reply);
  bus::Status certificate_call(proto::ChainCertificateRequest::Reader request,
                               proto::ChainCertificateReply::Builder reply);

  bus::Node& node_;
  const cipher::Secp256k1& ctx_;
  ChainStore& store_;
  Network network_;
  std::optional<cipher::SecretKey> block_key_;
  SignatureWorkers workers_;  // signature recovery on every core, the reactor serving meanwhile
  BlockPipeline pipeline_;
  Pool pool_;
  std::unique_ptr<CertificateStore> certificates_;  // with --consensus only
  std::optional<consensus::TrustSet> trust_;        // with --consensus only
  std::string chain_id_;
};

}  // namespace skymesh::chain
