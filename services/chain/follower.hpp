// Node-to-node sync: follows another node's topic chain.blocks from this node's head + 1, checks every block's
// block-maker signature and hard rules, and accepts it (ChainService::accept_signed_block). A node that was down
// catches up from the other's durable log when it starts; when the other node restarts, the bus's Subscription
// resubscribes from the last event it delivered. A refused block stops nothing else: it is logged and the
// subscription is made again from the head after a pause.
#pragma once

#include <string>

#include "chain_service.hpp"
#include "skymesh/bus/node.hpp"

namespace skymesh::chain {

class Follower {
 public:
  // Borrows node and service; both must outlive the reactor's run.
  Follower(bus::Node& node, ChainService& service, std::string endpoint)
      : node_(node), service_(service), endpoint_(std::move(endpoint)) {}
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Starts the following fiber on the node's reactor; it ends when the reactor stops.
  void start();

 private:
  void run();
  // Follows until an error; returns it (for the log).
  bus::Status follow_once();

  bus::Node& node_;
  ChainService& service_;
  std::string endpoint_;
};

}  // namespace skymesh::chain
