#include "signature_workers.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/fiber/future.hpp>

namespace skymesh::chain {
namespace {

// Signatures per task: small enough to balance two busy cores, large enough that queueing costs nothing beside
// a recovery (tens of microseconds each).
constexpr size_t k_task_jobs = 32;

// Workers run below the reactor thread's priority (nice +3; raising one's own nice needs no privilege): the thread
// that checks and writes blocks, and serves the bus, is the critical path and must not wait for a core while
// recoveries of blocks further ahead run. Best effort: a failure leaves the default.
constexpr int k_worker_nice = 3;

}  // namespace

struct SignatureWorkers::BatchState {
  std::vector<coin::SignatureJob> jobs;
  std::vector<std::optional<coin::Address>> owners;
  std::atomic<size_t> tasks_left{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  boost::fibers::promise<void> done;
};

SignatureWorkers::SignatureWorkers(size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this]() { work(); });
}

SignatureWorkers::~SignatureWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

SignatureWorkers::Batch SignatureWorkers::start(const cipher::Secp256k1& ctx, std::span<const coin::Transaction> txs) {
  Batch batch;
  batch.state_ = std::make_shared<BatchState>();
  BatchState& state = *batch.state_;
  state.jobs = coin::signature_jobs(txs);
  state.owners.resize(state.jobs.size());
  const size_t tasks = (state.jobs.size() + k_task_jobs - 1) / k_task_jobs;
  if (tasks == 0) {
    state.done.set_value();
    return batch;
  }
  state.tasks_left = tasks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t t = 0; t < tasks; ++t) {
      tasks_.push_back([shared = batch.state_, &ctx, t]() {
        const size_t begin = t * k_task_jobs;
        const size_t count = std::min(k_task_jobs, shared->jobs.size() - begin);
        try {
          coin::recover_owners(ctx, std::span(shared->jobs).subspan(begin, count),
                               std::span(shared->owners).subspan(begin, count));
        } catch (...) {
          std::lock_guard<std::mutex> error_lock(shared->error_mutex);
          if (!shared->error) shared->error = std::current_exception();
        }
        // The last task to finish publishes the batch (acq_rel: every task's writes are visible to it).
        if (shared->tasks_left.fetch_sub(1, std::memory_order_acq_rel) == 1) shared->done.set_value();
      });
    }
  }
  wake_.notify_all();
  return batch;
}

coin::RecoveredSigners SignatureWorkers::Batch::wait() {
  if (!state_) return {};
  state_->done.get_future().get();
  std::shared_ptr<BatchState> state = std::move(state_);
  {
    std::lock_guard<std::mutex> lock(state->error_mutex);
    if (state->error) std::rethrow_exception(state->error);
  }
  return coin::RecoveredSigners(state->jobs, state->owners);
}

void SignatureWorkers::work() {
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), k_worker_nice);
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this]() { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping and drained
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace skymesh::chain
