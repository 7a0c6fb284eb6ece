// The machine's App over the bus: block content comes from this node's chain serverlet (chain.propose,
// chain.validate). Calls block only the machine's fiber. A chain that cannot be reached proposes nothing (an
// empty block, refused by every node: the round goes nil) and validates nothing.
#pragma once

#include <optional>

#include "skymesh/bus/client.hpp"
#include "skymesh/consensus/machine.hpp"

namespace skymesh::consensus_service {

class ChainApp final : public consensus::App {
 public:
  explicit ChainApp(bus::Node& node) : node_(node) {}
  void set_chain(bus::Client chain) { chain_.emplace(std::move(chain)); }

  consensus::Bytes propose(uint64_t height) override;
  bool validate(uint64_t height, consensus::ByteView block) override;

 private:
  bus::Node& node_;
  std::optional<bus::Client> chain_;
};

}  // namespace skymesh::consensus_service
