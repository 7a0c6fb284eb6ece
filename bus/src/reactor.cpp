#include "skymesh/bus/reactor.hpp"

#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include <kj/exception.h>
#include <boost/fiber/algo/round_robin.hpp>
#include <boost/fiber/pooled_fixedsize_stack.hpp>
#if defined(__SANITIZE_ADDRESS__) || defined(__clang__)
#include <sanitizer/asan_interface.h>
#endif

#include "poll_algorithm.hpp"
#include "spin_policy.hpp"

namespace skymesh::bus {
namespace {

// Handlers may run the Cap'n Proto JSON codec or LMDB; 256 KiB leaves room (stacks are pooled and reused).
constexpr size_t k_fiber_stack_bytes = 256 * 1024;
// After stop(), how long the loop keeps serving so fibers can finish (pending calls fail at once).
constexpr auto k_stop_grace = std::chrono::seconds(2);
// Messages a socket's reader takes per turn (after a sleep: one, see add_socket).
constexpr size_t k_messages_per_turn = 512;

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
    int fd;  // ZMQ_FD: readable when the socket has commands to run (new input among them)
    // Shared, so that a callback that removes its own socket runs to its end (a copy of the function itself
    // would allocate whenever its captures outgrow std::function's inline buffer).
    std::shared_ptr<const std::function<void(size_t)>> on_readable;
  };

  detail::PollState state;
  std::vector<Registration> sockets;
  std::vector<pollfd> fds;  // the wake eventfd, then each socket's ZMQ_FD in the order of `sockets`
  bool fds_dirty = true;
  std::mutex posted_mutex;
  std::vector<std::function<void()>> posted;
  std::atomic<bool> wake_pending{false};  // post() or stop() wrote the eventfd
  std::atomic<bool> stop_requested{false};
  std::vector<std::pair<int, std::function<void()>>> stop_hooks;
  std::vector<std::pair<int, std::function<void()>>> turn_hooks;
  int next_hook_id = 1;
  size_t live_fibers = 0;
  std::thread::id running_thread;  // set while run() runs; fibers spawned elsewhere wait for it
  FiberStacks stacks{k_fiber_stack_bytes};
  detail::SpinPolicy spin;
  ReactorStats stats;

  explicit Impl(ReactorOptions options) : spin(options.spin) {
    state.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (state.wake_fd < 0) throw std::runtime_error("eventfd failed");
  }
  ~Impl() { ::close(state.wake_fd); }

  void rebuild_fds() {
    fds.clear();
    fds.push_back(pollfd{state.wake_fd, POLLIN, 0});
    for (auto& reg : sockets) fds.push_back(pollfd{reg.fd, POLLIN, 0});
    fds_dirty = false;
  }

  void wake() {
    wake_pending = true;
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t written = ::write(state.wake_fd, &one, sizeof one);
  }

  // Clears the eventfd and starts the posted functions as fibers.
  void take_wake() {
    wake_pending = false;
    uint64_t count;
    [[maybe_unused]] ssize_t got = ::read(state.wake_fd, &count, sizeof count);
    state.notified = false;
    std::vector<std::function<void()>> work;
    {
      std::lock_guard<std::mutex> lock(posted_mutex);
      work.swap(posted);
    }
    for (auto& fn : work) spawn(std::move(fn));
  }
  void spawn(std::function<void()> fn);

  // The loop's wait for input, at most `timeout_ms` (-1: no limit): poll()'s result.
  int idle_wait(long timeout_ms) {
    using SteadyClock = std::chrono::steady_clock;
    const auto begin = SteadyClock::now();
    int woke = 0;
    auto spun = SteadyClock::duration::zero();
    if (const auto budget = spin.budget(begin); budget > SteadyClock::duration::zero()) {
      ++stats.spins;
      const auto until =
          timeout_ms < 0 ? begin + budget : std::min(begin + budget, begin + std::chrono::milliseconds(timeout_ms));
      auto now = begin;
      do {
        // Another thread on this CPU (ZeroMQ's I/O thread, a peer) runs first: it may be what brings the input.
        sched_yield();
        woke = ::poll(fds.data(), fds.size(), 0);
        const auto last = std::exchange(now, SteadyClock::now());
        if (woke == 0 && now - last > detail::SpinPolicy::k_contended_gap) {
          ++stats.spins_contended;
          spin.contended(now);
          break;
        }
      } while (woke == 0 && now < until);
      spun = now - begin;
      if (woke > 0) ++stats.spin_hits;
    }
    const bool slept = woke == 0;
    if (slept) {
      ++stats.sleeps;
      long left = timeout_ms;  // -1 stays -1
      if (timeout_ms > 0) {
        left = std::max<long>(0, timeout_ms - std::chrono::duration_cast<std::chrono::milliseconds>(spun).count());
      }
      woke = ::poll(fds.data(), fds.size(), static_cast<int>(left));
    }
    spin.waited(SteadyClock::now() - begin, woke > 0);
    return woke;
  }
};

namespace {

// Whether a socket has a message to read. ZMQ_EVENTS first runs the socket's pending commands, so this also
// sees input whose announcement a send on the same socket consumed (its ZMQ_FD then stays quiet).
bool has_input(zmq::socket_t& socket) {
  int events = 0;
  size_t size = sizeof events;
  return zmq_getsockopt(socket.handle(), ZMQ_EVENTS, &events, &size) == 0 && (events & ZMQ_POLLIN) != 0;
}

}  // namespace

Reactor::Reactor(zmq::context_t& context, ReactorOptions options)
    : context_(context), impl_(std::make_unique<Impl>(options)) {}

Reactor::~Reactor() = default;

void Reactor::add_socket(zmq::socket_t& socket, std::function<void(size_t)> on_readable) {
  impl_->sockets.push_back({&socket, socket.get(zmq::sockopt::fd),
                            std::make_shared<const std::function<void(size_t)>>(std::move(on_readable))});
  impl_->fds_dirty = true;
}

void Reactor::remove_socket(zmq::socket_t& socket) {
  auto& sockets = impl_->sockets;
  sockets.erase(std::remove_if(sockets.begin(), sockets.end(),
                               [&socket](const Impl::Registration& reg) { return reg.socket == &socket; }),
                sockets.end());
  impl_->fds_dirty = true;
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

ReactorStats Reactor::stats() const {
  return impl_->stats;
}

void Reactor::spawn(std::function<void()> fn) {
  impl_->spawn(std::move(fn));
}

void Reactor::Impl::spawn(std::function<void()> fn) {
  if (running_thread != std::this_thread::get_id()) {
    // Not inside run() on its thread (e.g. a Node set up before run()): the fiber starts once the loop runs.
    {
      std::lock_guard<std::mutex> lock(posted_mutex);
      posted.push_back(std::move(fn));
    }
    wake();
    return;
  }
  ++live_fibers;
  boost::fibers::fiber(std::allocator_arg, stacks, [this, task = std::move(fn)]() {
    try {
      task();
    } catch (...) {
      report_fiber_exception(std::current_exception());
    }
    --live_fibers;
  }).detach();
}

void Reactor::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(impl_->posted_mutex);
    impl_->posted.push_back(std::move(fn));
  }
  impl_->wake();
}

void Reactor::stop() {
  impl_->stop_requested = true;
  impl_->wake();
}

bool Reactor::stopping() const {
  return impl_->stop_requested;
}

void Reactor::run(std::function<void()> main) {
  Impl& impl = *impl_;
  boost::fibers::use_scheduling_algorithm<detail::PollAlgorithm>(impl.state);
  boost::fibers::context* const io_fiber = boost::fibers::context::active();  // this loop's own fiber
  impl.running_thread = std::this_thread::get_id();
  if (main) spawn(std::move(main));

  bool hooks_ran = false;
  std::vector<void*> ready;  // sockets with input this turn
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
    if (impl.fds_dirty) impl.rebuild_fds();

    // Sockets with input now, by ZMQ_EVENTS (a socket's descriptor only says that it has commands to run).
    // One check per socket per turn: zmq_poll would make two, plus a poll() without waiting, every time.
    ready.clear();
    for (auto& reg : impl.sockets) {
      if (has_input(*reg.socket)) ready.push_back(reg.socket->handle());
    }
    detail::PollAlgorithm* algorithm = impl.state.algorithm;
    const bool fibers_ready = algorithm && algorithm->has_ready_fibers();
    long timeout_ms = -1;
    if (!ready.empty() || fibers_ready) {
      timeout_ms = 0;
    } else if (hooks_ran) {
      timeout_ms = 10;
    } else if (impl.state.wake_at != std::chrono::steady_clock::time_point::max()) {
      auto wait = std::chrono::ceil<std::chrono::milliseconds>(impl.state.wake_at - now()).count();
      timeout_ms = std::max<long>(0, wait);
    }
    size_t budget = k_messages_per_turn;
    if (timeout_ms != 0) {
      budget = 1;
      // Nothing to do: sleep until a socket has commands, another thread wakes the loop, or the time passes;
      // first, while input has been coming at short intervals, poll without sleeping for a while.
      const int woke = impl.idle_wait(timeout_ms);
      if (woke > 0) {
        if (impl.fds[0].revents != 0) impl.take_wake();
        // A socket whose descriptor woke is read at once, without asking ZMQ_EVENTS first: its reader's receive
        // runs the commands that woke it (the same system calls the question would make) and, if they brought
        // no input, finds nothing.
        for (size_t i = 1; i < impl.fds.size(); ++i) {
          auto& reg = impl.sockets[i - 1];
          if (impl.fds[i].revents != 0) ready.push_back(reg.socket->handle());
        }
      }
    } else if (impl.wake_pending) {
      impl.take_wake();  // posted work is started even while fibers keep the loop from sleeping
    }
    // Callbacks may add or remove sockets: each ready one is looked up again before it is called.
    for (void* handle : ready) {
      for (auto& reg : impl.sockets) {
        if (reg.socket->handle() == handle) {
          const auto callback = reg.on_readable;
          (*callback)(budget);
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
    impl.state.idle.wait(io_fiber);
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
