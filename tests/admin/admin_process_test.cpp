// skymesh-admin as a user runs it: serverlets in their own processes register with --registry; the registry,
// control calls and diagnostics through the bus; the HTTP bridge, /metrics and /healthz over real TCP.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <set>
#include <thread>

#include "child_process.hpp"
#include "http_client.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/proto/admin.capnp.h"
#include "skymesh/proto/test.capnp.h"
#include "test_options.hpp"

using namespace skymesh;
using test::ChildProcess;

namespace {

struct Mesh {
  // The admin prints `listening http://ADDR` then its bus endpoint.
  ChildProcess admin{"skymesh-admin", {"--http", "127.0.0.1:0", "--lease-ms", "1000", "--log-level", "warn"}, 2};
  std::string http() const { return admin.endpoints().at(0).substr(std::string("http://").size()); }
  std::string bus() const { return admin.endpoints().at(1); }
  std::unique_ptr<ChildProcess> echo(const std::string& instance) const {
    return std::make_unique<ChildProcess>(
        "skymesh-echo", std::vector<std::string>{"--instance", instance, "--registry", bus(), "--log-level", "warn"});
  }
};

struct ClientSide {
  zmq::context_t context;
  bus::Reactor reactor{context};
  bus::Node node{reactor, test::quick_options("client")};
  void run(std::function<void()> body) { reactor.run_until_done(std::move(body)); }
};

bus::Result<bus::Reply<proto::ListReply>> list(bus::Client& admin, const std::string& name, bool probe = false) {
  return admin.call<proto::ListRequest, proto::ListReply>("admin.list", [&](proto::ListRequest::Builder request) {
    request.setName(name);
    request.setProbe(probe);
  });
}

// Polls admin.list until `predicate` holds (at most 10 s).
template <typename P>
bool eventually(bus::Client& admin, const std::string& name, P predicate) {
  for (int i = 0; i < 100; ++i) {
    auto reply = list(admin, name);
    if (reply.ok() && predicate(reply->get())) return true;
    boost::this_fiber::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

size_t count_health(proto::ListReply::Reader reply, proto::Health health) {
  size_t n = 0;
  for (auto entry : reply.getEntries()) n += entry.getHealth() == health;
  return n;
}

// Polls admin.list until exactly `count` instances of `name` are live (at most 10 s).
bool live_count_reaches(bus::Client& admin, const std::string& name, size_t count) {
  return eventually(admin, name, [count](auto reply) { return count_health(reply, proto::Health::LIVE) == count; });
}

std::string instance_of(proto::ListReply::Reader reply, pid_t pid) {
  for (auto entry : reply.getEntries()) {
    if (entry.getRecord().getPid() == static_cast<uint32_t>(pid)) return entry.getRecord().getInstance();
  }
  return "";
}

}  // namespace

TEST_CASE("serverlets register, are listed with their stats, and resolve by name") {
  Mesh mesh;
  REQUIRE(mesh.admin.endpoints().size() == 2);
  auto a = mesh.echo("a");
  auto b = mesh.echo("b");
  ClientSide side;
  side.run([&] {
    auto admin = bus::Client::connect(side.node, mesh.bus()).value();
    REQUIRE(live_count_reaches(admin, "echo", 2));
    auto probed = list(admin, "echo", true);
    REQUIRE(probed.ok());
    std::set<std::string> endpoints;
    for (auto entry : probed->get().getEntries()) {
      CHECK(entry.getRecord().getName() == "echo");
      CHECK(entry.getRecord().getVersion().size() > 0);
      CHECK(entry.getProbed());
      CHECK(entry.getStats().getUptimeMs() > 0);
      endpoints.insert(entry.getRecord().getEndpoints()[0]);
    }
    CHECK(endpoints == std::set<std::string>{a->endpoint(), b->endpoint()});
    auto resolved = admin.call<proto::ResolveRequest, proto::ResolveReply>(
        "admin.resolve", [](proto::ResolveRequest::Builder request) { request.setName("echo"); });
    REQUIRE(resolved.ok());
    std::set<std::string> resolved_endpoints;
    for (auto endpoint : resolved->get().getEndpoints()) resolved_endpoints.insert(endpoint);
    CHECK(resolved_endpoints == endpoints);
    auto nobody = admin.call<proto::ResolveRequest, proto::ResolveReply>(
        "admin.resolve", [](proto::ResolveRequest::Builder request) { request.setName("nobody"); });
    REQUIRE(nobody.ok());
    CHECK(nobody->get().getEndpoints().size() == 0);
    // A registration without a name is refused, and the registry keeps serving.
    auto bad = admin.call<proto::RegisterRequest, proto::RegisterReply>("admin.register",
                                                                        [](proto::RegisterRequest::Builder) {});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().code() == bus::ErrorCode::bad_request);
    CHECK(list(admin, "").ok());
  });
}

// Which echo instances answer `calls` calls through `client` (by the instance name each reply carries).
static std::multiset<std::string> answering(bus::Client& client, int calls) {
  std::multiset<std::string> who;
  for (int i = 0; i < calls; ++i) {
    auto reply = client.call<proto::EchoRequest, proto::EchoReply>(
        "echo.echo", [](proto::EchoRequest::Builder request) { request.setText("via registry"); });
    who.insert(reply.ok() ? std::string(reply->get().getNode().cStr()) : "error: " + reply.status().to_string());
  }
  return who;
}

TEST_CASE("a registry+tcp target reaches every live instance, follows arrivals and drops departures") {
  Mesh mesh;
  auto a = mesh.echo("a");
  auto b = mesh.echo("b");
  ClientSide side;
  side.run([&] {
    auto admin = bus::Client::connect(side.node, mesh.bus()).value();
    REQUIRE(live_count_reaches(admin, "echo", 2));
    auto echo = bus::Client::connect(side.node, "registry+" + mesh.bus() + "/echo").value();
    auto who = answering(echo, 8);
    CHECK(who.count("a") >= 2);  // round-robin; a replica still connecting hands its turn to the other
    CHECK(who.count("b") >= 2);
    CHECK(echo.replicas().size() == 2);

    // A third instance arrives: within a refresh it takes its share.
    auto c = mesh.echo("c");
    REQUIRE(live_count_reaches(admin, "echo", 3));
    bool reached_c = false;
    for (int i = 0; i < 100 && !reached_c; ++i) {
      reached_c = answering(echo, 3).count("c") > 0;
      if (!reached_c) boost::this_fiber::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(reached_c);

    // b leaves cleanly (SIGTERM deregisters): no call fails meanwhile, and b drops out of the replica list.
    b->kill(SIGTERM);
    bool dropped = false;
    for (int i = 0; i < 100 && !dropped; ++i) {
      const auto later = answering(echo, 4);
      for (const auto& name : later) CHECK(name.rfind("error", 0) != 0);
      dropped = echo.replicas().size() == 2;
      if (!dropped) boost::this_fiber::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(dropped);
    CHECK(answering(echo, 6).count("b") == 0);

    // A name nobody serves is a clear error, not a hang.
    auto nobody = bus::Client::connect(side.node, "registry+" + mesh.bus() + "/nobody").value();
    auto none = nobody.call<proto::EchoRequest, proto::EchoReply>("echo.echo", [](proto::EchoRequest::Builder) {});
    REQUIRE_FALSE(none.ok());
    CHECK(none.status().code() == bus::ErrorCode::unavailable);
    CHECK(none.status().message().find("no live instance of nobody") != std::string::npos);
  });
  // Malformed registry targets are refused when the client is made.
  ClientSide bad;
  bad.run([&] {
    for (const char* target : {"registry+tcp://127.0.0.1:7100", "registry+tcp://127.0.0.1/echo",
                               "registry+tcp://127.0.0.1:7100/", "registry+ipc://x/echo"}) {
      auto client = bus::Client::connect(bad.node, target);
      REQUIRE_FALSE(client.ok());
      CHECK(client.status().code() == bus::ErrorCode::bad_request);
    }
  });
}

TEST_CASE("a killed serverlet is declared dead on the diagnostics feed; stop and drain end one cleanly") {
  Mesh mesh;
  auto a = mesh.echo("a");
  auto b = mesh.echo("b");
  auto c = mesh.echo("c");
  ClientSide side;
  side.run([&] {
    auto admin = bus::Client::connect(side.node, mesh.bus()).value();
    REQUIRE(live_count_reaches(admin, "echo", 3));
    auto listed = list(admin, "echo");
    REQUIRE(listed.ok());
    const std::string a_name = instance_of(listed->get(), a->pid());
    const std::string b_name = instance_of(listed->get(), b->pid());
    const std::string c_name = instance_of(listed->get(), c->pid());
    REQUIRE(!a_name.empty());

    a->kill(SIGKILL);
    REQUIRE(eventually(admin, "echo", [](auto reply) { return count_health(reply, proto::Health::DEAD) == 1; }));

    auto stopped = admin.call<proto::ControlRequest, proto::ControlReply>(
        "admin.stop", [&](proto::ControlRequest::Builder request) { request.setInstance(b_name); });
    REQUIRE(stopped.ok());
    CHECK(b->finish() == 0);
    REQUIRE(eventually(admin, "echo", [](auto reply) { return count_health(reply, proto::Health::GONE) == 1; }));

    auto drained = admin.call<proto::ControlRequest, proto::ControlReply>(
        "admin.drain", [&](proto::ControlRequest::Builder request) { request.setInstance(c_name); });
    REQUIRE(drained.ok());
    REQUIRE(eventually(admin, "echo", [](auto reply) { return count_health(reply, proto::Health::DRAINING) == 1; }));
    auto resolved = admin.call<proto::ResolveRequest, proto::ResolveReply>(
        "admin.resolve", [](proto::ResolveRequest::Builder request) { request.setName("echo"); });
    REQUIRE(resolved.ok());
    CHECK(resolved->get().getEndpoints().size() == 0);  // a draining instance is offered to no caller
    CHECK(c->finish() == 0);

    auto unknown = admin.call<proto::ControlRequest, proto::ControlReply>(
        "admin.stop", [&](proto::ControlRequest::Builder request) { request.setInstance(a_name); });
    CHECK(unknown.status().code() == bus::ErrorCode::not_found);  // dead: nothing to stop

    // The feed, read since 1: every step above, in order, for the right instances.
    bus::Subscription feed(admin, "admin.diagnostics", 1);
    std::vector<std::pair<std::string, std::string>> seen;
    for (;;) {
      auto event = feed.next(std::chrono::milliseconds(500));
      if (!event.ok()) break;
      auto d = event.value()->payload<proto::Diagnostic>();
      seen.emplace_back(d.getInstance(), d.getEvent());
    }
    auto has = [&](const std::string& instance, const std::string& what) {
      return std::find(seen.begin(), seen.end(), std::make_pair(instance, what)) != seen.end();
    };
    CHECK(has(a_name, "registered"));
    CHECK(has(a_name, "dead"));
    CHECK(has(b_name, "stopping"));
    CHECK(has(b_name, "gone"));
    CHECK(has(c_name, "drain_requested"));
    CHECK(has(c_name, "draining"));
    CHECK(has(c_name, "gone"));
  });
}

TEST_CASE("the HTTP port calls any serverlet, reports metrics and health, and survives bad requests") {
  Mesh mesh;
  auto a = mesh.echo("a");
  auto b = mesh.echo("b");
  ClientSide side;
  side.run([&] {
    auto admin = bus::Client::connect(side.node, mesh.bus()).value();
    REQUIRE(live_count_reaches(admin, "echo", 2));
  });
  const std::string http = mesh.http();
  std::set<std::string> answered_by;
  for (int i = 0; i < 6; ++i) {
    auto answer = test::http_request(http, "POST", "/api/echo/echo.echo", "{\"text\":\"over http\"}");
    REQUIRE(answer.status == 200);
    CHECK(answer.body.find("\"text\":\"over http\"") != std::string::npos);
    answered_by.insert(answer.body.find("\"node\":\"a\"") != std::string::npos ? "a" : "b");
  }
  CHECK(answered_by.size() == 2);  // spread over both replicas
  // The short form of the method name.
  CHECK(test::http_request(http, "POST", "/api/echo/upper", "{\"text\":\"x\"}").body.find("\"X\"") !=
        std::string::npos);
  // Bus errors keep their code, with a matching HTTP status.
  auto failed = test::http_request(http, "POST", "/api/echo/echo.fail", "{\"text\":\"no\"}");
  CHECK(failed.status == 412);
  CHECK(failed.body.find("\"name\":\"failed_precondition\"") != std::string::npos);
  auto bad_json = test::http_request(http, "POST", "/api/echo/echo.echo", "{\"text\":");
  CHECK(bad_json.status == 400);
  CHECK(bad_json.body.find("\"code\":1,") != std::string::npos);
  auto unknown_field = test::http_request(http, "POST", "/api/echo/echo.echo", "{\"nope\":1}");
  CHECK(unknown_field.status == 400);
  CHECK(test::http_request(http, "POST", "/api/echo/echo.nope", "{}").status == 404);
  CHECK(test::http_request(http, "POST", "/api/nobody/x", "{}").status == 404);
  CHECK(test::http_request(http, "GET", "/api/echo/echo.echo").status == 405);
  CHECK(test::http_request(http, "GET", "/nowhere").status == 404);
  // The admin's own methods through the same door.
  auto listed = test::http_request(http, "POST", "/api/admin/list", "{\"name\":\"echo\"}");
  CHECK(listed.status == 200);
  CHECK(listed.body.find("\"health\":\"live\"") != std::string::npos);

  auto health = test::http_request(http, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body.find("\"live\":2") != std::string::npos);
  auto metrics = test::http_request(http, "GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.head.find("text/plain; version=0.0.4") != std::string::npos);
  CHECK(metrics.body.find("# TYPE skymesh_up gauge") != std::string::npos);
  CHECK(metrics.body.find("skymesh_up{service=\"echo\"") != std::string::npos);
  CHECK(metrics.body.find("skymesh_method_calls_total{service=\"echo\"") != std::string::npos);
  CHECK(metrics.body.find("skymesh_registry_instances{health=\"live\"} 2") != std::string::npos);

  // Hostile bytes: an answer with the right status, the connection closed, and service goes on.
  CHECK(test::http_exchange(http, "GARBAGE\r\n\r\n").status == 400);
  CHECK(test::http_exchange(http, "POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n").status == 413);
  CHECK(test::http_exchange(http, std::string(40000, 'x')).status == 431);
  // Two requests on one connection (keep-alive, pipelined) are both answered, in order.
  auto both = test::http_exchange(
      http,
      "GET /healthz HTTP/1.1\r\n\r\nPOST /api/echo/upper HTTP/1.1\r\nConnection: close\r\nContent-Length: "
      "12\r\n\r\n{\"text\":\"k\"}");
  CHECK(both.status == 200);
  CHECK(both.body.find("\"K\"") != std::string::npos);
  CHECK(test::http_request(http, "GET", "/healthz").status == 200);

  // With no live replica the bridge says so.
  a->kill(SIGKILL);
  b->kill(SIGKILL);
  int status = 0;
  for (int i = 0; i < 50 && status != 503; ++i) {
    status = test::http_request(http, "POST", "/api/echo/echo.echo", "{}").status;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(status == 503);
}

TEST_CASE("SIGTERM deregisters a serverlet before it exits, and ends the admin itself") {
  Mesh mesh;
  auto d = mesh.echo("d");
  ClientSide side;
  side.run([&] {
    auto admin = bus::Client::connect(side.node, mesh.bus()).value();
    REQUIRE(live_count_reaches(admin, "echo", 1));
    const int status = d->kill(SIGTERM);  // blocks this thread until the child is reaped
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    // gone (a clean exit) at once, not dead after a lease.
    REQUIRE(eventually(admin, "echo", [](auto reply) { return count_health(reply, proto::Health::GONE) == 1; }));
  });
  const int admin_status = mesh.admin.kill(SIGTERM);
  CHECK(WIFEXITED(admin_status));
  CHECK(WEXITSTATUS(admin_status) == 0);
}
