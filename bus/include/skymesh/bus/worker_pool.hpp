// CPU-heavy work (signature checks, hashing) off the socket thread. run() hands a job to a worker thread and
// suspends only the calling fiber; the result comes back through a fiber-aware promise, which wakes the
// reactor's poll loop. Jobs must not touch sockets, Nodes or Cap'n Proto readers of the calling thread: pass
// them plain values and copy results out.
//
// Thread-safety: run() may be called from any fiber of the owning reactor's thread; workers share nothing else.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/fiber/future.hpp>

namespace skymesh::bus {

class WorkerPool {
 public:
  // threads == 0: one per core.
  explicit WorkerPool(size_t threads = 0);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  size_t size() const { return threads_.size(); }

  // Runs fn on a worker and returns its result; blocks the calling fiber only. An exception fn throws is
  // rethrown here.
  template <typename F>
  auto run(F&& fn) -> std::invoke_result_t<F> {
    using R = std::invoke_result_t<F>;
    auto task = std::make_shared<boost::fibers::packaged_task<R()>>(std::forward<F>(fn));
    boost::fibers::future<R> result = task->get_future();
    enqueue([task]() { (*task)(); });
    return result.get();
  }

 private:
  void enqueue(std::function<void()> job);
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace skymesh::bus
