#include "chain_service.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>
#include <variant>
#include <vector>

#include "convert.hpp"
#include "importer.hpp"
#include "lmdb_env.hpp"

namespace skymesh::chain {
namespace {

using bus::ErrorCode;
using bus::StateClass;

bus::Status refused(const coin::CoinFault& fault) {
  return bus::Status(ErrorCode::failed_precondition, describe_fault(fault));
}

uint64_t unix_now() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

ChainService::ChainService(bus::Node& node, const cipher::Secp256k1& ctx, ChainStore& store, Network network,
                           std::optional<cipher::SecretKey> block_key)
    : node_(node),
      ctx_(ctx),
      store_(store),
      network_(std::move(network)),
      block_key_(std::move(block_key)),
      pipeline_(ctx, store, workers_),
      pool_(store) {}

bus::Status ChainService::attach(const std::filesystem::path& topics_dir) {
  auto log = bus::open_durable_log(topics_dir, k_blocks_topic);
  if (!log.ok()) return log.status();
  const uint64_t logged = log.value()->last_seq();  // blocks 0..logged-1 are in the log
  if (bus::Status added =
          node_.add_topic(k_blocks_topic, capnp::Schema::from<proto::ChainBlockEvent>(), std::move(log).value());
      !added.ok()) {
    return added;
  }
  const uint64_t stored = store_.head() ? store_.head()->seq + 1 : 0;
  if (logged > stored) {
    return bus::Status(ErrorCode::failed_precondition, "the chain.blocks log holds " + std::to_string(logged) +
                                                           " blocks but the store only " + std::to_string(stored));
  }
  for (uint64_t seq = logged; seq < stored; ++seq) {
    if (bus::Status published = publish_block(seq); !published.ok()) return published;
  }
  if (!store_.head()) {
    auto genesis = accept_block(coin::make_genesis_block(network_.genesis), std::nullopt);
    if (!genesis) return bus::Status(ErrorCode::internal, "genesis block refused: " + describe_fault(genesis.fault()));
  }
  try {
    const PoolRestore restored = pool_.restore(ctx_, network_.soft, &workers_);
    for (const auto& [id, why] : restored.dropped) {
      node_.logger().info("chain_pool_dropped", {{"id", id.hex()}, {"reason", why}});
    }
    if (restored.kept > 0 || !restored.dropped.empty()) {
      node_.logger().info("chain_pool_restored", {{"kept", std::to_string(restored.kept)},
                                                  {"dropped", std::to_string(restored.dropped.size())}});
    }
  } catch (const StoreError& e) {
    return e.status();
  }
  const bus::MethodOptions pure{StateClass::INVARIANT_FUNCTIONAL, {}, false};
  const bus::MethodOptions live{StateClass::PER_REQUEST, {}, false};
  using namespace proto;
  node_.handle<ChainStatusRequest, ChainStatusReply>("chain.status", this, &ChainService::status, live);
  node_.handle<ChainBlockRequest, ChainBlock>("chain.block", this, &ChainService::block, pure);
  node_.handle<ChainBlocksRequest, ChainBlocksReply>("chain.blocks", this, &ChainService::blocks, live);
  node_.handle<ChainTransactionRequest, ChainTransactionReply>("chain.transaction", this, &ChainService::transaction,
                                                               live);
  node_.handle<ChainAddressesRequest, ChainOutputsReply>("chain.outputs", this, &ChainService::outputs, live);
  node_.handle<ChainAddressesRequest, ChainBalanceReply>("chain.balance", this, &ChainService::balance, live);
  node_.handle<ChainHistoryRequest, ChainHistoryReply>("chain.history", this, &ChainService::history, live);
  node_.handle<ChainInjectRequest, ChainInjectReply>("chain.inject", this, &ChainService::inject, live);
  node_.handle<ChainObjectRequest, ChainObjectReply>("chain.object", this, &ChainService::object, pure);
  node_.handle<ChainPoolRequest, ChainPoolReply>("chain.pool", this, &ChainService::pool, live);
  node_.handle<ChainMakeBlockRequest, ChainMakeBlockReply>("chain.make_block", this, &ChainService::make_block_call,
                                                           live);
  return bus::Status();
}

coin::Result<coin::BlockEffect> ChainService::accept_block(const coin::Block& block,
                                                           const std::optional<coin::Signature>& sig,
                                                           const coin::RecoveredSigners* recovered) {
  std::optional<coin::Signature> signature = sig;
  if (!signature && block_key_) signature = coin::sign_block(ctx_, block, *block_key_).sig;
  auto effect = recovered != nullptr ? store_.apply_block(ctx_, block, signature, network_.genesis, recovered)
                                     : pipeline_.apply(block, signature, network_.genesis);
  if (!effect) return effect;
  pool_.prune();  // the transactions the block confirmed go too: their inputs are spent now
  if (bus::Status published = publish_block(block.header.seq); !published.ok()) {
    // The block is stored; the log catches up at the next start (attach republishes what it lacks).
    node_.logger().warn("chain_publish_failed",
                        {{"seq", std::to_string(block.header.seq)}, {"error", published.to_string()}});
  }
  return effect;
}

coin::Result<coin::BlockEffect> ChainService::accept_signed_block(const coin::SignedBlock& block) {
  if (coin::Check signed_ok = coin::verify_block_signature(ctx_, network_.block_maker, block); !signed_ok) {
    return signed_ok.fault();
  }
  return accept_block(block.block, block.sig);
}

bus::Status ChainService::publish_block(uint64_t seq) {
  auto block = store_.block_by_seq(seq);
  if (!block) return bus::Status(ErrorCode::internal, "block " + std::to_string(seq) + " is not stored");
  const auto sig = store_.block_signature(seq);
  auto published = node_.publish<proto::ChainBlockEvent>(k_blocks_topic, [&](proto::ChainBlockEvent::Builder event) {
    event.setSeq(seq);
    event.setHash(data_of(coin::block_hash(block->header).view()));
    event.setBlock(data_of(coin::encode(*block)));
    if (sig) event.setSignature(data_of(sig->view()));
  });
  if (!published.ok()) return published.status();
  if (published.value() != seq + 1) {
    return bus::Status(ErrorCode::internal, "chain.blocks entry " + std::to_string(published.value()) +
                                                " holds block " + std::to_string(seq));
  }
  return bus::Status();
}

bus::Result<coin::Block> ChainService::make_block(uint64_t time) {
  if (!block_key_) return bus::Status(ErrorCode::failed_precondition, "this node does not hold the block-making key");
  // The signatures are recovered on the workers while this fiber waits; a block accepted meanwhile (another
  // make_block) moves the head and prunes the pool, so the choice is made again.
  for (int attempt = 0;; ++attempt) {
    if (!store_.head()) return bus::Status(ErrorCode::failed_precondition, "the chain has no block yet");
    const coin::BlockHeader head = *store_.head();
    // The pool's transactions, oldest first, while they fit (each passed the rules against this head when
    // admitted or at the last prune).
    std::vector<coin::Transaction> chosen;
    uint64_t size = 0;
    for (coin::Transaction& tx : pool_.transactions()) {
      const uint64_t tx_size = coin::encoded_size(tx);
      if (size + tx_size > network_.soft.max_block_size) continue;
      size += tx_size;
      chosen.push_back(std::move(tx));
    }
    if (chosen.empty()) return bus::Status(ErrorCode::failed_precondition, "68 no_transactions: the pool is empty");
    const coin::RecoveredSigners signers = workers_.recover(ctx_, chosen);
    if (!store_.head() || coin::block_hash(*store_.head()) != coin::block_hash(head)) {
      if (attempt < 3) continue;
      return bus::Status(ErrorCode::unavailable, "blocks kept arriving while this one was being made");
    }
    const uint64_t block_time = time != 0 ? time : std::max(unix_now(), head.time + 1);
    auto snapshot = store_.snapshot();
    auto made = coin::make_block(ctx_, *snapshot, head, std::move(chosen), block_time, network_.soft, &signers);
    snapshot.reset();
    if (!made) return refused(made.fault());
    auto accepted = accept_block(made.value(), std::nullopt, &signers);
    if (!accepted) return refused(accepted.fault());
    return std::move(made).value();
  }
}

bus::Status ChainService::status(proto::ChainStatusRequest::Reader, proto::ChainStatusReply::Builder reply) {
  reply.setNetwork(network_.name);
  reply.setEmpty(!store_.head());
  if (store_.head()) {
    reply.setHeadSeq(store_.head()->seq);
    reply.setHeadHash(data_of(coin::block_hash(*store_.head()).view()));
    reply.setHeadTime(store_.head()->time);
  }
  reply.setUxHash(data_of(store_.ux_hash().view()));
  reply.setUnspentCount(store_.unspent_count());
  reply.setPoolSize(static_cast<uint32_t>(pool_.size()));
  reply.setBlockMaker(data_of(network_.block_maker.view()));
  reply.setMakesBlocks(block_key_.has_value());
  return bus::Status();
}

bus::Status ChainService::block(proto::ChainBlockRequest::Reader request, proto::ChainBlock::Builder reply) {
  std::optional<coin::Block> found;
  if (request.hasHash()) {
    auto id = read_id(request.getHash(), "hash");
    if (!id.ok()) return id.status();
    found = store_.block_by_hash(id.value());
    if (!found) return bus::Status(ErrorCode::not_found, "no block with hash " + id->hex());
  } else {
    found = store_.block_by_seq(request.getSeq());
    if (!found) return bus::Status(ErrorCode::not_found, "no block at seq " + std::to_string(request.getSeq()));
  }
  fill_block(reply, *found, store_.block_signature(found->header.seq));
  return bus::Status();
}

bus::Status ChainService::blocks(proto::ChainBlocksRequest::Reader request, proto::ChainBlocksReply::Builder reply) {
  const uint64_t from = request.getFrom();
  const uint64_t to = request.getTo();
  if (to < from) return bus::Status(ErrorCode::bad_request, "to must be >= from");
  if (to - from >= k_max_blocks_per_call) {
    return bus::Status(ErrorCode::bad_request,
                       "at most " + std::to_string(k_max_blocks_per_call) + " blocks per call (from..to inclusive)");
  }
  std::vector<coin::Block> found;
  for (uint64_t seq = from; store_.head() && seq <= std::min(to, store_.head()->seq); ++seq) {
    auto block = store_.block_by_seq(seq);
    if (!block) break;
    found.push_back(std::move(*block));
  }
  auto list = reply.initBlocks(static_cast<unsigned>(found.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    fill_block(list[i], found[i], store_.block_signature(found[i].header.seq));
  }
  return bus::Status();
}

bus::Status ChainService::transaction(proto::ChainTransactionRequest::Reader request,
                                      proto::ChainTransactionReply::Builder reply) {
  auto id = read_id(request.getId(), "id");
  if (!id.ok()) return id.status();
  if (const coin::Transaction* pending = pool_.find(id.value())) {
    fill_transaction(reply.initTransaction(), *pending, nullptr);
    return bus::Status();
  }
  auto location = store_.transaction_location(id.value());
  auto tx = store_.transaction(id.value());
  if (!location || !tx) return bus::Status(ErrorCode::not_found, "no transaction with id " + id->hex());
  auto block = store_.block_by_seq(location->block_seq);
  if (!block) return bus::Status(ErrorCode::internal, "the block of transaction " + id->hex() + " is missing");
  fill_transaction(reply.initTransaction(), *tx, &block->header);
  reply.setConfirmed(true);
  reply.setBlockSeq(location->block_seq);
  reply.setIndex(location->index);
  return bus::Status();
}

namespace {

bus::Result<std::vector<coin::Address>> read_addresses(proto::ChainAddressesRequest::Reader request) {
  auto list = request.getAddresses();
  if (list.size() == 0) return bus::Status(ErrorCode::bad_request, "addresses: give at least one");
  if (list.size() > k_max_addresses_per_call) {
    return bus::Status(ErrorCode::bad_request,
                       "addresses: at most " + std::to_string(k_max_addresses_per_call) + " per call");
  }
  std::vector<coin::Address> out;
  for (unsigned i = 0; i < list.size(); ++i) {
    auto address = read_address(list[i], "addresses[" + std::to_string(i) + "]");
    if (!address.ok()) return address.status();
    out.push_back(address.value());
  }
  return out;
}

}  // namespace

bus::Status ChainService::outputs(proto::ChainAddressesRequest::Reader request,
                                  proto::ChainOutputsReply::Builder reply) {
  auto addresses = read_addresses(request);
  if (!addresses.ok()) return addresses.status();
  std::vector<coin::UxOut> found;
  for (const coin::Address& address : addresses.value()) {
    for (coin::UxOut& ux : store_.outputs_of(address)) found.push_back(std::move(ux));
  }
  const uint64_t head_time = store_.head() ? store_.head()->time : 0;
  reply.setHeadSeq(store_.head() ? store_.head()->seq : 0);
  reply.setHeadTime(head_time);
  auto list = reply.initOutputs(static_cast<unsigned>(found.size()));
  for (unsigned i = 0; i < list.size(); ++i) fill_unspent(list[i], found[i], head_time);
  return bus::Status();
}

bus::Status ChainService::balance(proto::ChainAddressesRequest::Reader request,
                                  proto::ChainBalanceReply::Builder reply) {
  auto addresses = read_addresses(request);
  if (!addresses.ok()) return addresses.status();
  const uint64_t head_time = store_.head() ? store_.head()->time : 0;
  uint64_t coins = 0, hours = 0, count = 0;
  for (const coin::Address& address : addresses.value()) {
    for (const coin::UxOut& ux : store_.outputs_of(address)) {
      coins += ux.body.coins;  // at most the coin supply: no overflow
      auto h = coin::coin_hours(ux, head_time);
      const uint64_t add = h ? h.value() : ux.body.hours;
      hours = hours > UINT64_MAX - add ? UINT64_MAX : hours + add;
      ++count;
    }
  }
  reply.setHeadSeq(store_.head() ? store_.head()->seq : 0);
  reply.setCoins(coins);
  reply.setHours(hours);
  reply.setOutputs(static_cast<uint32_t>(count));
  return bus::Status();
}

bus::Status ChainService::inject(proto::ChainInjectRequest::Reader request, proto::ChainInjectReply::Builder reply) {
  if (request.getRaw().size() == 0)
    return bus::Status(ErrorCode::bad_request, "raw: the transaction's bytes are empty");
  auto admitted = pool_.admit(ctx_, network_.soft, view_of(request.getRaw()), &workers_);
  if (auto* refusal = std::get_if<PoolRefusal>(&admitted)) {
    return bus::Status(refusal->form ? ErrorCode::bad_request : ErrorCode::failed_precondition, refusal->message);
  }
  const PoolAdmission& admission = std::get<PoolAdmission>(admitted);
  reply.setId(data_of(admission.id.view()));
  reply.setFee(admission.fee);
  reply.setAlreadyKnown(admission.already_known);
  return bus::Status();
}

bus::Status ChainService::object(proto::ChainObjectRequest::Reader request, proto::ChainObjectReply::Builder reply) {
  auto id = read_id(request.getId(), "id");
  if (!id.ok()) return id.status();
  auto bytes = store_.object(id.value());
  if (!bytes) return bus::Status(ErrorCode::not_found, "no object with id " + id->hex());
  reply.setRaw(data_of(*bytes));
  return bus::Status();
}

bus::Status ChainService::pool(proto::ChainPoolRequest::Reader, proto::ChainPoolReply::Builder reply) {
  const std::vector<coin::Transaction> txs = pool_.transactions();
  auto list = reply.initTransactions(static_cast<unsigned>(txs.size()));
  for (unsigned i = 0; i < list.size(); ++i) fill_transaction(list[i], txs[i], nullptr);
  return bus::Status();
}

bus::Status ChainService::make_block_call(proto::ChainMakeBlockRequest::Reader request,
                                          proto::ChainMakeBlockReply::Builder reply) {
  auto made = make_block(request.getTime());
  if (!made.ok()) return made.status();
  reply.setSeq(made->header.seq);
  reply.setHash(data_of(coin::block_hash(made->header).view()));
  reply.setTransactions(static_cast<uint32_t>(made->transactions.size()));
  reply.setFee(made->header.fee);
  return bus::Status();
}

}  // namespace skymesh::chain
