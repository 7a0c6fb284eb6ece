#include "skymesh/bus/reactor.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <kj/exception.h>
#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/pooled_fixedsize_stack.hpp>
#if defined(__SANITIZE_ADDRESS__) || defined(__clang__)
#include <sanitizer/asan_interface.h>
#endif

#include "poll_algorithm.hpp"

namespace skymesh::bus {
namespace {

// Handlers may run the Cap'n Proto JSON codec or LMDB; 256 KiB leaves room (stacks are pooled and reused).
constexpr size_t k_fiber_stack_bytes = 256 * 1024;
// After stop(), how long the loop keeps serving so fibers can finish (pending calls fail at once).
constexpr auto k_stop_grace = std::chrono::seconds(2);

void report_fiber_exception(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const kj::Exception& e) {
    std::fprintf(stderr, "level=error event=fiber_exception what=\"%s\"\n", e.getDescription().cStr());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "level=error event=fiber_exception what=\"%s\"\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "level=error event=fiber_exception what=unknown\n");
  }
}

#if defined(__SANITIZE_ADDRESS__)
#define SKYMESH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SKYMESH_ASAN 1
#endif
#endif

// Pooled fiber stacks. Under AddressSanitizer a reused stack still carries the poison of the frames the last
// fiber left on it (a context switch skips their epilogues), so it is unpoisoned before each reuse. Copies
// share one pool (Boost.Fiber copies the allocator into each fiber).
class FiberStacks {
 public:
  explicit FiberStacks(size_t bytes) : pool_(bytes) {}
  boost::context::stack_context allocate() {
    boost::context::stack_context stack = pool_.allocate();
#ifdef SKYMESH_ASAN
    __asan_unpoison_memory_region(static_cast<char*>(stack.sp) - stack.size, stack.size);
#endif
    return stack;
  }
  void deallocate(boost::context::stack_context& stack) noexcept {
    pool_.deallocate(stack);
  }

 private:
  boost::fibers::pooled_fixedsize_stack pool_;
};

}  // namespace

struct Reactor::Impl {
  struct Registration {
    zmq::socket_t* socket;
    std::function<void()> on_readable;
  };

  detail::PollState state;
  std::vector<Registration> sockets;
  std::vector<zmq::pollitem_t> items;
  bool items_dirty = true;
  std::mutex posted_mutex;
  std::vector<std::function<void()>> posted;
  std::atomic<bool> stop_requested{false};
  std::vector<std::pair<int, std::function<void()>>> stop_hooks;
  std::vector<std::pair<int, std::function<void()>>> turn_hooks;
  int next_hook_id = 1;
  size_t live_fibers = 0;
  std::thread::id running_thread;  // set while run() runs; fibers spawned elsewhere wait for it
  FiberStacks stacks{k_fiber_stack_bytes};

  Impl() {
    state.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (state.wake_fd < 0) throw std::runtime_error("eventfd failed");
  }
  ~Impl() { ::close(state.wake_fd); }

  void rebuild_items() {
    items.clear();
    items.push_back(zmq::pollitem_t{nullptr, state.wake_fd, ZMQ_POLLIN, 0});
    for (auto& reg : sockets) items.push_back(zmq::pollitem_t{reg.socket->handle(), 0, ZMQ_POLLIN, 0});
    items_dirty = false;
  }
};

Reactor::Reactor(zmq::context_t& context) : context_(context), impl_(std::make_unique<Impl>()) {}

Reactor::~Reactor() = default;

void Reactor::add_socket(zmq::socket_t& socket, std::function<void()> on_readable) {
  impl_->sockets.push_back({&socket, std::move(on_readable)});
  impl_->items_dirty = true;
}

void Reactor::remove_socket(zmq::socket_t& socket) {
  auto& sockets = impl_->sockets;
  sockets.erase(std::remove_if(sockets.begin(), sockets.end(),
                               [&socket](const Impl::Registration& reg) { return reg.socket == &socket; }),
                sockets.end());
  impl_->items_dirty = true;
}

int Reactor::add_stop_hook(std::function<void()> hook) {
  int id = impl_->next_hook_id++;
  impl_->stop_hooks.emplace_back(id, std::move(hook));
  return id;
}

void Reactor::remove_stop_hook(int id) {
  auto& hooks = impl_->stop_hooks;
  hooks.erase(std::remove_if(hooks.begin(), hooks.end(), [id](const auto& hook) { return hook.first == id; }),
              hooks.end());
}

int Reactor::add_turn_hook(std::function<void()> hook) {
  int id = impl_->next_hook_id++;
  impl_->turn_hooks.emplace_back(id, std::move(hook));
  return id;
}

void Reactor::remove_turn_hook(int id) {
  auto& hooks = impl_->turn_hooks;
  hooks.erase(std::remove_if(hooks.begin(), hooks.end(), [id](const auto& hook) { return hook.first == id; }),
              hooks.end());
}

size_t Reactor::live_fibers() const {
  return impl_->live_fibers;
}

void Reactor::spawn(std::function<void()> fn) {
  Impl* impl = impl_.get();
  if (impl->running_thread != std::this_thread::get_id()) {
    // Not inside run() on its thread (e.g. a Node set up before run()): the fiber starts once the loop runs.
    post(std::move(fn));
    return;
  }
  ++impl->live_fibers;
  boost::fibers::fiber(std::allocator_arg, impl->stacks, [impl, task = std::move(fn)]() {
    try {
      task();
    } catch (...) {
      report_fiber_exception(std::current_exception());
    }
    --impl->live_fibers;
  }).detach();
}

void Reactor::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(impl_->posted_mutex);
    impl_->posted.push_back(std::move(fn));
  }
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t written = ::write(impl_->state.wake_fd, &one, sizeof one);
}

void Reactor::stop() {
  impl_->stop_requested = true;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t written = ::write(impl_->state.wake_fd, &one, sizeof one);
}

bool Reactor::stopping() const {
  return impl_->stop_requested;
}

void Reactor::run(std::function<void()> main) {
  Impl& impl = *impl_;
  boost::fibers::use_scheduling_algorithm<detail::PollAlgorithm>(impl.state);
  impl.running_thread = std::this_thread::get_id();
  if (main) spawn(std::move(main));

  bool hooks_ran = false;
  auto grace_end = std::chrono::steady_clock::time_point::max();
  for (;;) {
    if (impl.stop_requested) {
      if (!hooks_ran) {
        hooks_ran = true;
        grace_end = now() + k_stop_grace;
        auto hooks = impl.stop_hooks;  // a hook may remove itself
        for (auto& hook : hooks) hook.second();
      }
      if (impl.live_fibers == 0) break;
      if (now() >= grace_end) {
        std::fprintf(stderr, "level=warn event=stop_grace_expired live_fibers=%zu\n", impl.live_fibers);
        break;
      }
    }
    // Indexed: a hook may add or remove hooks.
    for (size_t i = 0; i < impl.turn_hooks.size(); ++i) impl.turn_hooks[i].second();
    if (impl.items_dirty) impl.rebuild_items();

    long timeout_ms = -1;
    detail::PollAlgorithm* algorithm = impl.state.algorithm;
    if ((algorithm && algorithm->has_ready_fibers()) || hooks_ran) {
      timeout_ms = hooks_ran && !(algorithm && algorithm->has_ready_fibers()) ? 10 : 0;
    } else if (impl.state.wake_at != std::chrono::steady_clock::time_point::max()) {
      auto wait = std::chrono::ceil<std::chrono::milliseconds>(impl.state.wake_at - now()).count();
      timeout_ms = std::max<long>(0, wait);
    }
    zmq::poll(impl.items.data(), impl.items.size(), std::chrono::milliseconds(timeout_ms));

    if (impl.items[0].revents & ZMQ_POLLIN) {
      uint64_t count;
      [[maybe_unused]] ssize_t got = ::read(impl.state.wake_fd, &count, sizeof count);
      impl.state.notified = false;
      std::vector<std::function<void()>> posted;
      {
        std::lock_guard<std::mutex> lock(impl.posted_mutex);
        posted.swap(impl.posted);
      }
      for (auto& fn : posted) spawn(std::move(fn));
    }
    // Callbacks may add or remove sockets: walk a snapshot of the ones that were polled.
    const size_t polled = impl.items.size();
    std::vector<std::pair<void*, bool>> ready;
    for (size_t i = 1; i < polled; ++i) ready.emplace_back(impl.items[i].socket, impl.items[i].revents & ZMQ_POLLIN);
    for (auto& [handle, readable] : ready) {
      if (!readable) continue;
      for (auto& reg : impl.sockets) {
        if (reg.socket->handle() == handle) {
          auto callback = reg.on_readable;
          callback();
          break;
        }
      }
    }
    // Let the other fibers run. While some are ready, the loop takes its turn among them (so a fiber that spins
    // on yield() cannot starve I/O); once none is, it waits for the idle notification, which also brings the
    // earliest sleeper's wake-up time for the next poll.
    if (algorithm && algorithm->has_ready_fibers()) {
      boost::this_fiber::yield();
      if (algorithm->has_ready_fibers()) continue;
    }
    impl.state.wake_at = std::chrono::steady_clock::time_point::max();
    std::unique_lock<boost::fibers::mutex> lock(impl.state.mutex);
    impl.state.idle.wait(lock);
  }
  impl.state.uninstalling = true;
  boost::fibers::use_scheduling_algorithm<boost::fibers::algo::round_robin>();
  impl.state.uninstalling = false;
  impl.running_thread = std::thread::id();
  impl.stop_requested = false;
}

void Reactor::run_until_done(std::function<void()> main) {
  // An exception from `main` (a failed test assertion, say) ends the loop and reaches the caller.
  std::exception_ptr error;
  run([this, &error, task = std::move(main)]() {
    try {
      task();
    } catch (...) {
      error = std::current_exception();
    }
    stop();
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace skymesh::bus
