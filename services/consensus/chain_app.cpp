#include "chain_app.hpp"

#include "skymesh/bus/node.hpp"
#include "skymesh/proto/chain.capnp.h"

namespace skymesh::consensus_service {

consensus::Bytes ChainApp::propose(uint64_t height) {
  if (!chain_) return {};
  auto reply = chain_->call<proto::ChainProposeRequest, proto::ChainProposeReply>(
      "chain.propose", [](proto::ChainProposeRequest::Builder) {});
  if (!reply.ok()) {
    node_.logger().warn("consensus_propose_failed",
                        {{"height", std::to_string(height)}, {"error", reply.status().to_string()}});
    return {};
  }
  auto block = reply.value().get().getBlock();
  if (reply.value().get().getSeq() != height) return {};  // the chain is not at height - 1 (yet)
  return consensus::Bytes(block.begin(), block.end());
}

bool ChainApp::validate(uint64_t height, consensus::ByteView block) {
  if (!chain_ || block.empty()) return false;
  auto reply = chain_->call<proto::ChainValidateRequest, proto::ChainValidateReply>(
      "chain.validate", [block](proto::ChainValidateRequest::Builder request) {
        request.setBlock(capnp::Data::Reader(block.data(), block.size()));
      });
  if (!reply.ok()) {
    node_.logger().warn("consensus_validate_failed",
                        {{"height", std::to_string(height)}, {"error", reply.status().to_string()}});
    return false;
  }
  if (!reply.value().get().getOk()) {
    node_.logger().info("consensus_block_refused",
                        {{"height", std::to_string(height)}, {"rule", reply.value().get().getMessage().cStr()}});
  }
  return reply.value().get().getOk();
}

}  // namespace skymesh::consensus_service
