// A chain serverlet stand-in for the wallet serverlet's tests: chain.outputs, chain.pool, chain.inject and
// chain.transaction over the bus (proto/chain.capnp), backed by a list of unspent outputs and a pool that
// accepts only what coin::check_pool_transaction accepts. make_block() confirms the pool as a block would.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "skymesh/bus/node.hpp"
#include "skymesh/cipher/secp256k1.hpp"
#include "skymesh/coin/coin.hpp"

namespace skymesh::wallet::test {

class FakeChain {
 public:
  FakeChain(bus::Node& node, const cipher::Secp256k1& ctx, uint64_t genesis_time);
  // Adds an unspent output at the head (as a genesis block would).
  void credit(const cipher::Address& address, uint64_t droplets);
  // Confirms the pool's transactions in a block `seconds` after the head. Returns how many.
  std::size_t make_block(uint64_t seconds);
  uint64_t head_time() const { return head_time_; }
  std::size_t pool_size() const { return pool_.size(); }

 private:
  void attach(bus::Node& node);

  const cipher::Secp256k1& ctx_;
  uint64_t head_seq_ = 0;
  uint64_t head_time_ = 0;
  std::vector<coin::UxOut> unspent_;
  std::vector<coin::Transaction> pool_;
  std::map<std::string, uint64_t> confirmed_;  // txid hex -> block seq
};

}  // namespace skymesh::wallet::test
