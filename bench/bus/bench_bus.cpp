// bench_bus: the bus against raw ZeroMQ, in one run, on one machine, with the same 64-byte payload over tcp
// loopback. Last line: one JSON object (see docs/bus.md for the targets and recorded figures).
//
// Round trips and pipelined calls are measured interleaved, so that both peers see the same machine: blocks of
// round trips alternate (raw ZeroMQ's, then the bus's), and so do eight slices of the pipelined phase. On a shared
// VM whose speed drifts from one second to the next, phases run one after the other compared two different
// machines. A third block of round trips is raw ZeroMQ waiting as the bus's reactor must (poll() on ZMQ_FD and
// ZMQ_EVENTS, raw_zmq.hpp): `zmq_polled_rtt_p50_us` tells the reactor pattern's cost from the bus code's.
//
//   build/bin/bench_bus [--seconds S]   (each phase runs S seconds in all; default 2)
//   build/bin/bench_bus --only pipelined [--calls N]
//       only the bus's pipelined phase (for instruction counts under valgrind --tool=callgrind); with --calls,
//       exactly N calls instead of S seconds of them, so two counts differ by the cost of the extra calls.
//   build/bin/bench_bus --only raw [--seconds S]
//       only the raw ZeroMQ peer (round trips, then pipelined echo), to see what it costs in CPU.
//   build/bin/bench_bus --only raw-rtt [--seconds S]
//       only raw ZeroMQ's round trips (its syscalls per round trip, against --only bus-rtt's).
//   build/bin/bench_bus --only rtt [--seconds S]
//       only the synchronous round trips, interleaved (to trace where a round trip's time goes).
//   build/bin/bench_bus --only bus-rtt [--seconds S]
//       only the bus's round trips (syscalls per round trip under strace -c: divide by the printed count).
//   --spin-us N (any mode): the bus reactors' ReactorOptions::spin (default 100; 0: sleep at once, never spin).
//
// Besides rates and times it reports the CPU time the whole process spent per round trip and per pipelined
// call or message, for each peer (`*_cpu_us`): spinning trades CPU for latency, and this shows how much.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/fiber/operations.hpp>

#include "echo_service.hpp"
#include "raw_zmq.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/proto/test.capnp.h"

using namespace skymesh;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t k_payload_bytes = 64;
constexpr size_t k_window = 512;
// Round trips per block, and slices of the pipelined phase, when the two peers take turns.
constexpr int k_rtt_block = 50;
// A pause after each block of the bus's round trips, longer than any spin of its loops.
constexpr auto k_settle = std::chrono::milliseconds(1);
constexpr int k_pipelined_slices = 8;

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(fraction * static_cast<double>(values.size())))];
}

bus::NodeOptions quiet(const std::string& name) {
  bus::NodeOptions options;
  options.name = name;
  options.log_level = bus::LogLevel::error;
  options.max_in_flight_per_peer = 4096;
  return options;
}

// CPU time of the whole process (every thread: the peers, ZeroMQ's I/O thread), in microseconds.
double process_cpu_us() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// The echo serverlet on a thread of its own, like a separate serverlet process.
struct BusServer {
  zmq::context_t& context;
  bus::Reactor reactor;
  bus::Node node{reactor, quiet("echo")};
  echo::EchoService echo{node};
  std::thread thread;
  BusServer(zmq::context_t& shared, bus::ReactorOptions reactor_options)
      : context(shared), reactor(shared, reactor_options) {
    (void)echo.attach();
    (void)node.listen("tcp://127.0.0.1:0");
    thread = std::thread([this]() { reactor.run(); });
  }
  ~BusServer() {
    reactor.stop();
    thread.join();
  }
};

struct BusResults {
  std::vector<double> rtt_us;
  double calls_per_s = 0;
  // Process CPU time per round trip and per pipelined call, the bus's and raw ZeroMQ's (blocking peer).
  double rtt_cpu_us = 0, raw_rtt_cpu_us = 0, call_cpu_us = 0, raw_msg_cpu_us = 0;
  bench::RawResults raw;                  // measured in turns with the bus (empty when not asked for)
  std::vector<double> raw_polled_rtt_us;  // raw ZeroMQ waiting as the reactor does, in the same turns
  std::vector<double> local_us;
  double events_per_s = 0;
  double replay_events_per_s = 0;
};

void fill_echo(proto::EchoRequest::Builder request, const std::string& payload) {
  request.setData(capnp::Data::Reader(reinterpret_cast<const capnp::byte*>(payload.data()), payload.size()));
}

struct BenchOptions {
  double seconds = 2;
  bool only_pipelined = false;
  bool only_raw = false;  // only the raw ZeroMQ peer (both its phases, or its round trips with only_rtt)
  bool only_rtt = false;  // only round trips (the bus's, and raw ZeroMQ's unless no_raw)
  bool no_raw = false;
  size_t calls = 0;  // pipelined phase: exactly this many calls (0: for `seconds`)
  bus::ReactorOptions reactor;
};

// `raw_endpoint`, `raw_polled_endpoint`: the raw ZeroMQ echo servers (blocking, polled) to measure in turns with
// the bus (nullptr: the bus alone).
BusResults run_bus(zmq::context_t& context, const std::string& endpoint, const BenchOptions& bench,
                   const std::string* raw_endpoint, const std::string* raw_polled_endpoint) {
  const double seconds = bench.seconds;
  BusResults results;
  bus::Reactor reactor(context, bench.reactor);
  bus::Node node(reactor, quiet("bench"));
  bus::Node local_server(reactor, quiet("local-echo"));
  echo::EchoService local_echo(local_server);
  (void)local_echo.attach();
  const std::string payload(k_payload_bytes, 'x');
  reactor.run_until_done([&]() {
    // Its blocking calls hold this thread, which has nothing else to do while the raw peer takes its turn.
    std::optional<bench::RawClient> raw, raw_polled;
    if (raw_endpoint) raw.emplace(context, *raw_endpoint, k_payload_bytes);
    if (raw_polled_endpoint) {
      raw_polled.emplace(context, *raw_polled_endpoint, k_payload_bytes, bench::RawWait::polled);
    }
    auto client = bus::Client::connect(node, endpoint).value();
    auto call_once = [&](bus::Client& target) {
      auto reply = target.call<proto::EchoRequest, proto::EchoReply>(
          "echo.echo", [&payload](proto::EchoRequest::Builder request) { fill_echo(request, payload); });
      // Never std::exit() inside a fiber (the scheduler would wait for live fibers forever): throw, and
      // run_until_done hands the exception to main().
      if (!reply.ok()) throw std::runtime_error("call failed: " + reply.status().to_string());
    };
    for (int i = 0; i < 200; ++i) call_once(client);
    auto end = Clock::now() + std::chrono::duration<double>(seconds);
    double raw_cpu = 0, bus_cpu = 0;
    while (!bench.only_pipelined && Clock::now() < end) {
      if (raw) {
        const double cpu = process_cpu_us();
        for (int i = 0; i < k_rtt_block; ++i) results.raw.rtt_us.push_back(raw->round_trip_us());
        raw_cpu += process_cpu_us() - cpu;
      }
      if (raw_polled) {
        for (int i = 0; i < k_rtt_block; ++i) results.raw_polled_rtt_us.push_back(raw_polled->round_trip_us());
      }
      const double cpu = process_cpu_us();
      for (int i = 0; i < k_rtt_block; ++i) {
        const auto begin = Clock::now();
        call_once(client);
        results.rtt_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
      }
      bus_cpu += process_cpu_us() - cpu;
      // The bus serverlet's loop may poll a while longer for more input before it sleeps (ReactorOptions::spin):
      // let it go to sleep before raw ZeroMQ's turn, so that it neither slows nor bills the raw peer.
      if (raw) boost::this_fiber::sleep_for(k_settle);
    }
    if (!results.rtt_us.empty()) results.rtt_cpu_us = bus_cpu / static_cast<double>(results.rtt_us.size());
    if (!results.raw.rtt_us.empty()) {
      results.raw_rtt_cpu_us = raw_cpu / static_cast<double>(results.raw.rtt_us.size());
    }
    if (bench.only_rtt) return;

    // Pipelined: keep k_window calls in flight, wait on the oldest. In slices, each raw ZeroMQ's and then the
    // bus's, when both are measured.
    const int slices = raw ? k_pipelined_slices : 1;
    const auto slice = std::chrono::duration<double>(seconds / slices);
    std::deque<bus::RawFuture> in_flight;
    size_t done = 0, issued = 0, raw_done = 0;
    double bus_seconds = 0, raw_seconds = 0;
    raw_cpu = bus_cpu = 0;
    for (int s = 0; s < slices; ++s) {
      if (raw) {
        if (s > 0) boost::this_fiber::sleep_for(k_settle);  // as between blocks of round trips
        const auto raw_begin = Clock::now();
        const double cpu = process_cpu_us();
        raw_done += raw->pipelined(k_window, raw_begin + std::chrono::duration_cast<Clock::duration>(slice));
        raw_cpu += process_cpu_us() - cpu;
        raw_seconds += std::chrono::duration<double>(Clock::now() - raw_begin).count();
      }
      const double cpu = process_cpu_us();
      const auto begin = Clock::now();
      end = begin + std::chrono::duration_cast<Clock::duration>(slice);
      auto more = [&]() { return bench.calls != 0 ? issued < bench.calls : Clock::now() < end; };
      while (more() || !in_flight.empty()) {
        while (in_flight.size() < k_window && more()) {
          in_flight.push_back(client.async_call<proto::EchoRequest>(
              "echo.echo", [&payload](proto::EchoRequest::Builder request) { fill_echo(request, payload); }));
          ++issued;
        }
        if (!in_flight.front().get().ok()) throw std::runtime_error("pipelined call failed");
        in_flight.pop_front();
        ++done;
      }
      bus_seconds += std::chrono::duration<double>(Clock::now() - begin).count();
      bus_cpu += process_cpu_us() - cpu;
    }
    results.calls_per_s = static_cast<double>(done) / bus_seconds;
    results.call_cpu_us = bus_cpu / static_cast<double>(std::max<size_t>(done, 1));
    if (raw) {
      results.raw.msgs_per_s = static_cast<double>(raw_done) / raw_seconds;
      results.raw_msg_cpu_us = raw_cpu / static_cast<double>(std::max<size_t>(raw_done, 1));
    }
    if (bench.only_pipelined) return;

    // Same process: the handler runs in the calling fiber.
    auto local = bus::Client::local(node, local_server);
    for (int i = 0; i < 1000; ++i) call_once(local);
    end = Clock::now() + std::chrono::duration<double>(seconds / 2);
    while (Clock::now() < end) {
      const auto t0 = Clock::now();
      call_once(local);
      results.local_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }

    // Live events: the server publishes a burst; the subscriber reads them as they come.
    // Within the default ring (65536 entries) so replay since 1 still finds every event.
    const uint32_t burst = static_cast<uint32_t>(std::min(50000.0, std::max(20000.0, 100000.0 * seconds)));
    {
      bus::Subscription live(client, "echo.ticks", 0);
      (void)live.next(std::chrono::milliseconds(1));  // subscribed before the burst
      auto begin = Clock::now();
      auto publish = client.async_call<proto::EchoRequest>(
          "echo.publish", [burst](proto::EchoRequest::Builder request) { request.setCount(burst); });
      for (uint32_t i = 0; i < burst; ++i) {
        if (!live.next(std::chrono::seconds(10)).ok()) throw std::runtime_error("live event missing");
      }
      results.events_per_s = burst / std::chrono::duration<double>(Clock::now() - begin).count();
      (void)publish.get();
    }
    // Replay: everything since 1 from the log.
    bus::Subscription replay(client, "echo.ticks", 1);
    const auto begin = Clock::now();
    for (uint32_t i = 0; i < burst; ++i) {
      if (!replay.next(std::chrono::seconds(10)).ok()) throw std::runtime_error("replayed event missing");
    }
    results.replay_events_per_s = burst / std::chrono::duration<double>(Clock::now() - begin).count();
  });
  return results;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions bench_options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--seconds" && has_value) {
      bench_options.seconds = std::atof(argv[++i]);
    } else if (arg == "--calls" && has_value) {
      bench_options.calls = static_cast<size_t>(std::atoll(argv[++i]));
    } else if (arg == "--only" && has_value && std::string(argv[i + 1]) == "pipelined") {
      bench_options.only_pipelined = true;
      ++i;
    } else if (arg == "--only" && has_value && std::string(argv[i + 1]) == "raw") {
      bench_options.only_raw = true;
      ++i;
    } else if (arg == "--only" && has_value && std::string(argv[i + 1]) == "raw-rtt") {
      bench_options.only_raw = bench_options.only_rtt = true;
      ++i;
    } else if (arg == "--only" && has_value && std::string(argv[i + 1]) == "rtt") {
      bench_options.only_rtt = true;
      ++i;
    } else if (arg == "--only" && has_value && std::string(argv[i + 1]) == "bus-rtt") {
      bench_options.only_rtt = bench_options.no_raw = true;
      ++i;
    } else if (arg == "--spin-us" && has_value) {
      bench_options.reactor.spin = std::chrono::microseconds(std::atoll(argv[++i]));
    } else {
      std::fprintf(stderr,
                   "usage: bench_bus [--seconds S] [--only pipelined|raw|raw-rtt|rtt|bus-rtt] [--calls N] "
                   "[--spin-us N]\n");
      return 2;
    }
  }
  const double seconds = bench_options.seconds;
  zmq::context_t context;
  if (bench_options.only_raw) {
    bench::RawEchoServer server(context);
    const bench::RawResults raw =
        bench::run_raw(context, server.endpoint(), k_payload_bytes, seconds, bench_options.only_rtt ? 0 : k_window);
    std::printf("{\"zmq_round_trips\":%zu,\"zmq_rtt_p50_us\":%.2f,\"zmq_msgs_per_s\":%.0f}\n", raw.rtt_us.size(),
                percentile(raw.rtt_us, 0.5), raw.msgs_per_s);
    return 0;
  }
  std::optional<bench::RawEchoServer> raw_server, raw_polled_server;
  if (!bench_options.only_pipelined && !bench_options.no_raw) {
    raw_server.emplace(context);
    raw_polled_server.emplace(context, bench::RawWait::polled);
  }
  BusResults bus_results;
  try {
    BusServer server(context, bench_options.reactor);
    bus_results =
        run_bus(context, server.node.endpoints().front(), bench_options, raw_server ? &raw_server->endpoint() : nullptr,
                raw_polled_server ? &raw_polled_server->endpoint() : nullptr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_bus: %s\n", e.what());
    std::fflush(stderr);
    std::_Exit(1);  // the raw server's thread may still wait for its stop message
  }
  const bench::RawResults& raw = bus_results.raw;
  if (bench_options.only_pipelined) {
    std::printf("{\"bus_calls_per_s\":%.0f,\"bus_call_cpu_us\":%.3f}\n", bus_results.calls_per_s,
                bus_results.call_cpu_us);
    return 0;
  }
  if (bench_options.only_rtt) {
    const double bus_p50 = percentile(bus_results.rtt_us, 0.5);
    const double zmq_p50 = bench_options.no_raw ? 0 : percentile(raw.rtt_us, 0.5);
    const double polled_p50 = percentile(bus_results.raw_polled_rtt_us, 0.5);
    std::printf(
        "{\"bus_round_trips\":%zu,\"bus_rtt_p50_us\":%.2f,\"zmq_rtt_p50_us\":%.2f,\"zmq_polled_rtt_p50_us\":%.2f,"
        "\"rtt_ratio\":%.3f,\"bus_rtt_cpu_us\":%.1f,\"zmq_rtt_cpu_us\":%.1f}\n",
        bus_results.rtt_us.size(), bus_p50, zmq_p50, polled_p50, zmq_p50 > 0 ? bus_p50 / zmq_p50 : 0.0,
        bus_results.rtt_cpu_us, bus_results.raw_rtt_cpu_us);
    return 0;
  }
  const double zmq_p50 = percentile(raw.rtt_us, 0.5), zmq_p99 = percentile(raw.rtt_us, 0.99);
  const double bus_p50 = percentile(bus_results.rtt_us, 0.5), bus_p99 = percentile(bus_results.rtt_us, 0.99);
  const double local_p50 = percentile(bus_results.local_us, 0.5);
  const double polled_p50 = percentile(bus_results.raw_polled_rtt_us, 0.5);
  std::printf("payload %zu bytes over tcp loopback, %.1f s per phase, raw ZeroMQ and the bus in turns\n",
              k_payload_bytes, seconds);
  std::printf("round trip   raw zmq p50 %.1f us p99 %.1f us | bus p50 %.1f us p99 %.1f us (%.2fx)\n", zmq_p50, zmq_p99,
              bus_p50, bus_p99, bus_p50 / zmq_p50);
  std::printf("             CPU per round trip: raw zmq %.1f us | bus %.1f us (spin %lld us)\n",
              bus_results.raw_rtt_cpu_us, bus_results.rtt_cpu_us,
              static_cast<long long>(bench_options.reactor.spin.count()));
  std::printf("             raw zmq waiting as the reactor does (poll + ZMQ_EVENTS) p50 %.1f us (%.2fx raw)\n",
              polled_p50, polled_p50 / zmq_p50);
  std::printf("pipelined    raw zmq %.0f msgs/s | bus %.0f calls/s (%.2fx)\n", raw.msgs_per_s, bus_results.calls_per_s,
              bus_results.calls_per_s / raw.msgs_per_s);
  std::printf("             CPU per message: raw zmq %.2f us | bus %.2f us per call\n", bus_results.raw_msg_cpu_us,
              bus_results.call_cpu_us);
  std::printf("local call   p50 %.2f us\n", local_p50);
  std::printf("events       live %.0f/s, replay since N %.0f/s\n", bus_results.events_per_s,
              bus_results.replay_events_per_s);
  std::printf(
      "{\"bus_rtt_p50_us\":%.2f,\"bus_rtt_p99_us\":%.2f,\"zmq_rtt_p50_us\":%.2f,\"zmq_rtt_p99_us\":%.2f,"
      "\"zmq_polled_rtt_p50_us\":%.2f,\"rtt_ratio\":%.3f,\"bus_calls_per_s\":%.0f,\"zmq_msgs_per_s\":%.0f,\"calls_"
      "ratio\":%.3f,"
      "\"local_call_p50_us\":%.3f,\"events_per_s\":%.0f,\"replay_events_per_s\":%.0f,\"bus_rtt_cpu_us\":%.1f,"
      "\"zmq_rtt_cpu_us\":%.1f,\"bus_call_cpu_us\":%.3f,\"zmq_msg_cpu_us\":%.3f,\"spin_us\":%lld}\n",
      bus_p50, bus_p99, zmq_p50, zmq_p99, polled_p50, bus_p50 / zmq_p50, bus_results.calls_per_s, raw.msgs_per_s,
      bus_results.calls_per_s / raw.msgs_per_s, local_p50, bus_results.events_per_s, bus_results.replay_events_per_s,
      bus_results.rtt_cpu_us, bus_results.raw_rtt_cpu_us, bus_results.call_cpu_us, bus_results.raw_msg_cpu_us,
      static_cast<long long>(bench_options.reactor.spin.count()));
  return 0;
}
