// The registry's rules with an explicit clock: leases, draining, death, clean exits, control calls.
#include <catch2/catch.hpp>

#include "registry.hpp"

using namespace skymesh;
using admin::Clock;
using admin::Record;
using admin::Registry;
using std::chrono::milliseconds;

namespace {

Record record(const std::string& name, const std::string& instance, const std::string& endpoint) {
  Record r;
  r.name = name;
  r.instance = instance;
  r.endpoints = {endpoint};
  return r;
}

std::vector<std::string> events(const std::vector<admin::Change>& changes) {
  std::vector<std::string> out;
  for (const auto& change : changes) out.push_back(change.event);
  return out;
}

}  // namespace

TEST_CASE("a heartbeat registers once; later ones only refresh the lease") {
  Registry registry({milliseconds(3000), milliseconds(60000)});
  const auto t0 = Clock::now();
  proto::Command command;
  CHECK(events(registry.heartbeat(record("crypto", "a", "tcp://x:1"), false, t0, command)) ==
        std::vector<std::string>{"registered"});
  CHECK(command == proto::Command::NONE);
  const auto generation = registry.generation();
  CHECK(registry.heartbeat(record("crypto", "a", "tcp://x:1"), false, t0 + milliseconds(1000), command).empty());
  CHECK(registry.generation() == generation);
  REQUIRE(registry.live("crypto").size() == 1);
  CHECK(registry.live("crypto")[0]->record.endpoints[0] == "tcp://x:1");
  CHECK(registry.live("other").empty());
}

TEST_CASE("a silent instance dies when its lease runs out, is listed a while, then forgotten") {
  Registry registry({milliseconds(3000), milliseconds(10000)});
  const auto t0 = Clock::now();
  proto::Command command;
  registry.heartbeat(record("crypto", "a", "tcp://x:1"), false, t0, command);
  registry.heartbeat(record("crypto", "b", "tcp://x:2"), false, t0, command);
  CHECK(registry.expire(t0 + milliseconds(2999)).empty());
  registry.heartbeat(record("crypto", "b", "tcp://x:2"), false, t0 + milliseconds(2500), command);
  auto changes = registry.expire(t0 + milliseconds(3500));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].event == "dead");
  CHECK(changes[0].record.instance == "a");
  CHECK(registry.live("crypto").size() == 1);
  CHECK(registry.list("crypto").size() == 2);
  CHECK(registry.expire(t0 + milliseconds(4000)).empty());  // dead once, not again
  // b keeps heartbeating; a is forgotten after keep_after_death.
  registry.heartbeat(record("crypto", "b", "tcp://x:2"), false, t0 + milliseconds(13000), command);
  registry.expire(t0 + milliseconds(14000));
  REQUIRE(registry.list("crypto").size() == 1);
  CHECK(registry.list("crypto")[0]->record.instance == "b");
}

TEST_CASE("a dead instance that heartbeats again comes back") {
  Registry registry({milliseconds(1000), milliseconds(60000)});
  const auto t0 = Clock::now();
  proto::Command command;
  registry.heartbeat(record("echo", "a", "tcp://x:1"), false, t0, command);
  registry.expire(t0 + milliseconds(1500));
  CHECK(registry.live("echo").empty());
  CHECK(events(registry.heartbeat(record("echo", "a", "tcp://x:1"), false, t0 + milliseconds(1600), command)) ==
        std::vector<std::string>{"back"});
  CHECK(registry.live("echo").size() == 1);
}

TEST_CASE("a draining instance is listed but offered to no caller") {
  Registry registry;
  const auto t0 = Clock::now();
  proto::Command command;
  registry.heartbeat(record("echo", "a", "tcp://x:1"), false, t0, command);
  const auto generation = registry.generation();
  CHECK(events(registry.heartbeat(record("echo", "a", "tcp://x:1"), true, t0, command)) ==
        std::vector<std::string>{"draining"});
  CHECK(registry.generation() != generation);
  CHECK(registry.live("echo").empty());
  REQUIRE(registry.list("echo").size() == 1);
  CHECK(registry.list("echo")[0]->health == proto::Health::DRAINING);
}

TEST_CASE("a control call is handed out once, with the next heartbeat, and only to a live instance") {
  Registry registry;
  const auto t0 = Clock::now();
  proto::Command command;
  CHECK_FALSE(registry.command("nobody", proto::Command::STOP));
  registry.heartbeat(record("echo", "a", "tcp://x:1"), false, t0, command);
  CHECK(registry.command("a", proto::Command::DRAIN));
  registry.heartbeat(record("echo", "a", "tcp://x:1"), false, t0, command);
  CHECK(command == proto::Command::DRAIN);
  registry.heartbeat(record("echo", "a", "tcp://x:1"), false, t0, command);
  CHECK(command == proto::Command::NONE);
  REQUIRE(registry.deregister("a", t0).has_value());
  CHECK(registry.list("echo")[0]->health == proto::Health::GONE);
  CHECK_FALSE(registry.command("a", proto::Command::STOP));
  CHECK_FALSE(registry.deregister("nobody", t0).has_value());
}

TEST_CASE("a changed endpoint changes the generation") {
  Registry registry;
  const auto t0 = Clock::now();
  proto::Command command;
  registry.heartbeat(record("echo", "a", "tcp://x:1"), false, t0, command);
  const auto generation = registry.generation();
  registry.heartbeat(record("echo", "a", "tcp://x:9"), false, t0, command);
  CHECK(registry.generation() != generation);
  CHECK(registry.live("echo")[0]->record.endpoints[0] == "tcp://x:9");
}
