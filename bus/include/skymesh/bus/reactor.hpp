// The reactor joins ZeroMQ and Boost.Fiber on one thread. It installs a fiber scheduling algorithm whose idle
// wait is poll() over every registered socket's ZMQ_FD (with the timeout the scheduler asks for), so a fiber
// waiting on a reply simply sleeps until the poll loop fulfils its promise: no thread per socket. Each turn asks
// every socket for ZMQ_EVENTS once (that also runs the socket's pending commands). While input comes at short
// intervals the loop polls for a while before it sleeps (ReactorOptions::spin); an idle loop sleeps at once.
//
// Thread-safety: a Reactor belongs to the thread that calls run(); every method except post() and stop() must
// be called on that thread (from one of its fibers). Sockets registered here never leave that thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include <boost/fiber/all.hpp>
#include <zmq.hpp>

namespace skymesh::bus {

struct ReactorOptions {
  // The longest the loop polls without waiting (yielding the CPU between polls) before it sleeps. It polls only
  // while its last two waits each ended with input within this long, and then for twice the longer of them (at
  // least an eighth of this): a caller waiting for answers, or a serverlet under steady load, finds the next
  // input without being woken (a wake-up costs the waker and the sleeper some 15-25 µs each on a virtual
  // machine). A node whose input is sparse sleeps at once, input that stops costs one spin, and on a busy CPU
  // (a spin that loses the CPU for long) the loop stops spinning for a while. Zero: never spin. The rule:
  // bus/src/spin_policy.hpp.
  std::chrono::microseconds spin{200};
};

// What the loop did while it had nothing to do (for sys.stats and tests).
struct ReactorStats {
  uint64_t sleeps = 0;           // waits in poll() that could block
  uint64_t spins = 0;            // waits that polled without sleeping first
  uint64_t spin_hits = 0;        // spins that found input before their time was up
  uint64_t spins_contended = 0;  // spins ended because other threads had the CPU (no spinning for a while)
};

class Reactor {
 public:
  // `context` is shared by every reactor of the process (ZeroMQ's inproc transport needs one context).
  explicit Reactor(zmq::context_t& context, ReactorOptions options = {});
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  zmq::context_t& context() { return context_; }

  // Calls on_readable(max_messages) (on the reactor's io fiber) whenever `socket` has input, and when its
  // descriptor woke the loop (then possibly without input: a receive finds nothing); it must not block: it reads
  // at most max_messages messages with ZMQ_DONTWAIT and hands work to fibers, and is called again on a later
  // turn while input remains. Right after the loop slept, max_messages is 1: the fibers that
  // message wakes run, and their answers leave, before the socket is read again (reading until ZeroMQ says
  // EAGAIN costs a syscall). The socket must stay alive until remove_socket.
  void add_socket(zmq::socket_t& socket, std::function<void(size_t max_messages)> on_readable);
  void remove_socket(zmq::socket_t& socket);

  // Runs the loop on the calling thread until stop(); `main` first runs as a fiber. Returns when stopped.
  void run(std::function<void()> main = {});
  // Runs `main` as a fiber and returns once it has finished (stops the loop then). For tools and tests.
  void run_until_done(std::function<void()> main);
  // Thread-safe; the loop ends at its next turn.
  void stop();
  bool stopping() const;

  // Starts `fn` as a new fiber on this reactor (pooled stacks). Called outside run() or from another thread,
  // the fiber starts once the loop runs on its thread.
  void spawn(std::function<void()> fn);
  // Thread-safe: runs `fn` as a fiber on the reactor thread (used by worker threads to hand results back).
  void post(std::function<void()> fn);

  // Called once on the reactor thread when stop() takes effect, before the loop waits (up to a grace period)
  // for its fibers to finish: owners of pending calls fail them here so no fiber is left waiting forever.
  int add_stop_hook(std::function<void()> hook);
  void remove_stop_hook(int id);

  // Called on the reactor thread at the start of every turn of the loop, before it polls: owners of queued work
  // use it to make sure some fiber will pick that work up (a handler that blocked leaves its queue to another).
  // A hook must not block; it may spawn fibers or notify them (the poll then does not wait).
  int add_turn_hook(std::function<void()> hook);
  void remove_turn_hook(int id);

  // Fibers started through spawn() or post() that have not finished yet.
  size_t live_fibers() const;

  ReactorStats stats() const;

  // Monotonic clock of this reactor (tests may substitute nothing here: fibers sleep on the real clock).
  static std::chrono::steady_clock::time_point now() { return std::chrono::steady_clock::now(); }

 private:
  struct Impl;
  zmq::context_t& context_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace skymesh::bus
