// Signature recovery for whole blocks and batches on every core. start() copies each signature with what it
// signs, spreads the digests and recoveries over worker threads and returns at once, so the caller can check and
// write one block while the next block's signatures are recovered; wait() suspends only the calling fiber (a
// fiber-aware promise: the reactor keeps serving meanwhile), or the thread outside a reactor.
//
// Thread-safety: start() and wait() from the owning thread's fibers; the workers only read the copied jobs and
// the Secp256k1 context, which must outlive every batch started with it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "skymesh/coin/coin.hpp"

namespace skymesh::chain {

class SignatureWorkers {
 public:
  struct BatchState;

  // Recoveries in flight. wait() once; destroying it without waiting is allowed (the workers finish anyway).
  class Batch {
   public:
    Batch() = default;
    // The recovered owners (an empty set for an empty batch). Rethrows what a worker threw.
    coin::RecoveredSigners wait();

   private:
    friend class SignatureWorkers;
    std::shared_ptr<BatchState> state_;
  };

  // threads == 0: one per core.
  explicit SignatureWorkers(size_t threads = 0);
  ~SignatureWorkers();
  SignatureWorkers(const SignatureWorkers&) = delete;
  SignatureWorkers& operator=(const SignatureWorkers&) = delete;

  size_t size() const noexcept { return threads_.size(); }

  // Starts recovering every signature of txs (coin::signature_jobs); txs may go away once this returns.
  Batch start(const cipher::Secp256k1& ctx, std::span<const coin::Transaction> txs);
  coin::RecoveredSigners recover(const cipher::Secp256k1& ctx, std::span<const coin::Transaction> txs) {
    return start(ctx, txs).wait();
  }

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace skymesh::chain
