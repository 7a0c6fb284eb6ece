#include "follower.hpp"

#include <kj/exception.h>

#include <boost/fiber/operations.hpp>
#include <chrono>
#include <exception>

#include "convert.hpp"
#include "importer.hpp"
#include "skymesh/bus/client.hpp"

namespace skymesh::chain {
namespace {

constexpr std::chrono::milliseconds k_poll{500};
constexpr std::chrono::milliseconds k_retry_pause{1000};

}  // namespace

void Follower::start() {
  node_.reactor().spawn([this]() { run(); });
}

void Follower::run() {
  while (!node_.reactor().stopping()) {
    bus::Status ended;
    try {
      ended = follow_once();
    } catch (const std::exception& e) {  // storage failure or a payload that is not a ChainBlockEvent
      ended = bus::Status(bus::ErrorCode::internal, e.what());
    } catch (const kj::Exception& e) {
      ended = bus::Status(bus::ErrorCode::bad_request, e.getDescription().cStr());
    }
    if (node_.reactor().stopping()) break;
    node_.logger().warn("chain_follow_paused", {{"from", endpoint_}, {"error", ended.to_string()}});
    boost::this_fiber::sleep_for(k_retry_pause);
  }
}

bus::Status Follower::follow_once() {
  auto client = bus::Client::connect(node_, endpoint_);
  if (!client.ok()) return client.status();
  const ChainStore& store = service_.store();
  // Log entry seq = block seq + 1.
  const uint64_t since = store.head() ? store.head()->seq + 2 : 1;
  bus::Subscription subscription(client.value(), k_blocks_topic, since);
  while (!node_.reactor().stopping()) {
    auto event = subscription.next(k_poll);
    if (!event.ok()) {
      if (event.status().code() == bus::ErrorCode::deadline_exceeded) continue;
      return event.status();
    }
    auto payload = event.value()->payload<proto::ChainBlockEvent>();
    const uint64_t seq = payload.getSeq();
    if (store.head() && seq <= store.head()->seq) continue;  // already here (our own genesis)
    auto block = coin::decode_block(view_of(payload.getBlock()));
    if (!block)
      return bus::Status(bus::ErrorCode::bad_request,
                         "block " + std::to_string(seq) + ": " + describe_fault(block.fault()));
    if (payload.getSignature().size() != coin::Signature::size()) {
      return bus::Status(bus::ErrorCode::failed_precondition,
                         "block " + std::to_string(seq) + " carries no block-maker signature");
    }
    coin::SignedBlock signed_block{std::move(block).value(),
                                   coin::Signature::from_bytes(view_of(payload.getSignature()))};
    auto accepted = service_.accept_signed_block(signed_block);
    if (!accepted) {
      return bus::Status(bus::ErrorCode::failed_precondition,
                         "block " + std::to_string(seq) + " refused: " + describe_fault(accepted.fault()));
    }
  }
  return bus::Status();
}

}  // namespace skymesh::chain
