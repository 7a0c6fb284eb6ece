// Serverlets in separate processes: replicas, failover, restarts, CurveZMQ, refusal to listen in the clear.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "bus_fixture.hpp"
#include "child_process.hpp"
#include "skymesh/proto/sys.capnp.h"

using namespace skymesh;
using test::ChildProcess;
using test::echo_call;

namespace {

struct ClientSide {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node node;
  explicit ClientSide(bus::NodeOptions options = test::quick_options("client")) : node(reactor, std::move(options)) {}
  void run(std::function<void()> body) { reactor.run_until_done(std::move(body)); }
};

// CPU time (user + system, clock ticks) the process `pid` has used so far.
uint64_t cpu_ticks(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string field;
  uint64_t total = 0;
  for (int i = 1; i <= 15 && stat >> field; ++i) {
    if (i == 14 || i == 15) total += std::stoull(field);
  }
  return total;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("skymesh-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("two serverlets in separate processes share the calls of one client over tcp") {
  ChildProcess a("skymesh-echo", {"--instance", "a", "--log-level", "warn"});
  ChildProcess b("skymesh-echo", {"--instance", "b", "--log-level", "warn"});
  REQUIRE(!a.endpoint().empty());
  REQUIRE(!b.endpoint().empty());
  ClientSide side;
  side.run([&]() {
    auto client = bus::Client::connect(side.node, a.endpoint() + "," + b.endpoint()).value();
    // A replica whose connection is not up yet is skipped (ZMQ_IMMEDIATE): on a loaded machine fast calls
    // could all go to the replica that connected first. Wait (at most 5 s) until each has answered once.
    std::set<std::string> connected;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (connected.size() < 2 && std::chrono::steady_clock::now() < give_up) {
      auto reply = echo_call(client, "echo.echo", "warm up");
      REQUIRE(reply.ok());
      connected.insert((*reply.value()).getNode());
      if (connected.size() < 2) boost::this_fiber::sleep_for(std::chrono::milliseconds(1));
    }
    std::set<std::string> instances;
    for (int i = 0; i < 20; ++i) {
      auto reply = echo_call(client, "echo.echo", "spread");
      REQUIRE(reply.ok());
      instances.insert((*reply.value()).getNode());
    }
    CHECK(instances == std::set<std::string>{"a", "b"});
  });
}

TEST_CASE("a killed replica's calls go to the live one") {
  ChildProcess a("skymesh-echo", {"--instance", "a", "--log-level", "warn"});
  ChildProcess b("skymesh-echo", {"--instance", "b", "--log-level", "warn"});
  ClientSide side;
  side.run([&]() {
    auto client = bus::Client::connect(side.node, a.endpoint() + "," + b.endpoint()).value();
    for (int i = 0; i < 4; ++i) REQUIRE(echo_call(client, "echo.echo", "before").ok());
    // Calls in flight while a dies: slow ones, so some are pending on a when it goes.
    std::vector<bus::RawFuture> pending;
    for (int i = 0; i < 10; ++i) {
      pending.push_back(client.async_call<proto::EchoRequest>(
          "echo.echo", [](proto::EchoRequest::Builder request) { request.setDelayMs(300); }));
    }
    a.kill(SIGKILL);
    for (auto& result : bus::wait_all(pending)) CHECK(result.ok());
    // Pipelined calls right after: those batched for the dead replica go to the live one, none is lost.
    pending.clear();
    for (int i = 0; i < 200; ++i) {
      pending.push_back(client.async_call<proto::EchoRequest>(
          "echo.echo", [](proto::EchoRequest::Builder request) { request.setText("pipelined"); }));
    }
    size_t answered = 0;
    for (auto& result : bus::wait_all(pending)) {
      REQUIRE(result.ok());
      CHECK(std::string(result.value()->payload<proto::EchoReply>().getNode()) == "b");
      ++answered;
    }
    CHECK(answered == 200);
    for (int i = 0; i < 20; ++i) {
      auto reply = echo_call(client, "echo.echo", "after");
      REQUIRE(reply.ok());
      CHECK(std::string((*reply.value()).getNode()) == "b");
    }
  });
}

TEST_CASE("a client recovers when its server restarts on the same endpoint") {
  auto server = std::make_unique<ChildProcess>("skymesh-echo", std::vector<std::string>{"--log-level", "warn"});
  const std::string endpoint = server->endpoint();
  REQUIRE(!endpoint.empty());
  ClientSide side;
  side.run([&]() {
    auto client = bus::Client::connect(side.node, endpoint).value();
    REQUIRE(echo_call(client, "echo.echo", "first").ok());
    server.reset();
    server = std::make_unique<ChildProcess>("skymesh-echo",
                                            std::vector<std::string>{"--listen", endpoint, "--log-level", "warn"});
    REQUIRE(server->endpoint() == endpoint);
    auto reply = echo_call(client, "echo.echo", "again", 0, 0, bus::CallOptions{std::chrono::milliseconds(5000)});
    REQUIRE(reply.ok());
    CHECK((*reply.value()).getCalls() == 1);  // a new process answered
  });
}

TEST_CASE("CurveZMQ admits a listed client key and refuses an unlisted one") {
  const auto dir = temp_dir("curve");
  const auto server_keys = bus::generate_curve_keypair();
  const auto listed = bus::generate_curve_keypair();
  const auto unlisted = bus::generate_curve_keypair();
  REQUIRE(bus::write_key_file(dir / "server.key", server_keys).ok());
  REQUIRE(bus::write_key_file(dir / "allow", bus::CurveKeyPair{listed.public_key, ""}).ok());
  ChildProcess server("skymesh-echo", {"--key", (dir / "server.key").string(), "--allow", (dir / "allow").string(),
                                       "--log-level", "warn"});
  REQUIRE(!server.endpoint().empty());
  for (const auto& [keys, admitted] : {std::pair{listed, true}, std::pair{unlisted, false}}) {
    auto options = test::quick_options("client");
    options.security.keys = keys;
    ClientSide side(options);
    side.run([&]() {
      bus::ClientOptions client_options;
      client_options.server_public_key = server_keys.public_key;
      auto client = bus::Client::connect(side.node, server.endpoint(), client_options).value();
      auto reply = echo_call(client, "echo.echo", "secret", 0, 0, bus::CallOptions{std::chrono::milliseconds(1000)});
      CHECK(reply.ok() == admitted);
    });
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a serverlet refuses a non-loopback listen without keys unless told --insecure") {
  ChildProcess refused("skymesh-echo", {"--listen", "tcp://0.0.0.0:0", "--log-level", "error"}, 0);
  CHECK(refused.finish() == 1);
  ChildProcess allowed("skymesh-echo", {"--listen", "tcp://0.0.0.0:0", "--insecure", "--log-level", "error"});
  CHECK(!allowed.endpoint().empty());
}

TEST_CASE("a serverlet given a flag without its value or an unknown flag says why and does not start") {
  ChildProcess missing("skymesh-echo", {"--listen"}, 0);
  CHECK(missing.finish() == 2);
  ChildProcess unknown("skymesh-echo", {"--colour", "blue"}, 0);
  CHECK(unknown.finish() == 2);
}

TEST_CASE("a serverlet given a malformed key file says why and does not start") {
  const auto dir = temp_dir("badkey");
  { std::ofstream(dir / "bad.key") << "secret = not-a-key\n"; }
  ChildProcess server("skymesh-echo", {"--key", (dir / "bad.key").string()}, 0);
  CHECK(server.finish() == 2);
  std::filesystem::remove_all(dir);
}

// Regression: Boost.Fiber's dispatcher waits in the ready queue, and counting it as a ready fiber made every
// zmq_poll non-blocking: an idle serverlet burned a whole core.
TEST_CASE("regression: an idle serverlet does not spin (dispatcher counted as a ready fiber)") {
  ChildProcess echo("skymesh-echo", {"--log-level", "warn"});
  REQUIRE(!echo.endpoint().empty());
  const uint64_t before = cpu_ticks(echo.pid());
  ClientSide side;
  side.run([&]() { boost::this_fiber::sleep_for(std::chrono::seconds(1)); });
  // A busy loop uses about 100 ticks a second; an idle loop wakes twice a second for heartbeats.
  CHECK(cpu_ticks(echo.pid()) - before < 20);
}

TEST_CASE("a serverlet under steady calls polls before it sleeps, stops when they stop, and --spin-us 0 never") {
  // sys.stats' loop counters after runs of 500 calls one after the other (more runs, up to ten, until the
  // serverlet has spun and found input: a busy machine may stretch the waits between calls), then the CPU the
  // serverlet uses idle.
  auto serve = [](std::vector<std::string> args) {
    args.insert(args.end(), {"--log-level", "warn"});
    ChildProcess echo("skymesh-echo", args);
    REQUIRE(!echo.endpoint().empty());
    ClientSide side;
    bus::Reply<proto::StatsReply> reply(nullptr);
    uint64_t idle_ticks = 0;
    side.run([&]() {
      auto client = bus::Client::connect(side.node, echo.endpoint()).value();
      for (int run = 0; run < 10; ++run) {
        for (int i = 0; i < 500; ++i) REQUIRE(echo_call(client, "echo.echo", "steady").ok());
        auto answer = client.call<proto::Empty, proto::StatsReply>("sys.stats", [](proto::Empty::Builder) {});
        REQUIRE(answer.ok());
        reply = answer.value();
        if (reply.get().getLoopSpinHits() > 0) break;
      }
      const uint64_t before = cpu_ticks(echo.pid());
      boost::this_fiber::sleep_for(std::chrono::seconds(1));
      idle_ticks = cpu_ticks(echo.pid()) - before;
    });
    return std::make_tuple(reply.get().getLoopSleeps(), reply.get().getLoopSpins(), reply.get().getLoopSpinHits(),
                           idle_ticks);
  };
  SECTION("by default") {
    const auto [sleeps, spins, hits, idle] = serve({});
    INFO("sleeps " << sleeps << " spins " << spins << " hits " << hits << " idle ticks " << idle);
    CHECK(spins > 0);
    CHECK(hits > 0);
    CHECK(idle < 20);  // as idle as a serverlet that never spins (the test above)
  }
  SECTION("--spin-us 0") {
    const auto [sleeps, spins, hits, idle] = serve({"--spin-us", "0"});
    CHECK(sleeps >= 500);
    CHECK(spins == 0);
    CHECK(hits == 0);
  }
}
