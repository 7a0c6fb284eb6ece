// Target resolution (bus/src/resolver.cpp) with real sockets: a name looked up through DNS at connect and again
// in the background, and targets that cannot be used refused when the client is made. The registry's targets
// (registry+tcp://) are tested with a real admin in tests/admin/admin_process_test.cpp.
#include <boost/fiber/all.hpp>

#include "bus_fixture.hpp"

using namespace skymesh;
using test::echo_call;

TEST_CASE("a dns+tcp target reaches the server by name, and keeps reaching it while looked up again") {
  test::BusFixture bus;
  const std::string port = bus.endpoint().substr(bus.endpoint().rfind(':') + 1);
  bus.run([&]() {
    bus::ClientOptions options;
    options.refresh = std::chrono::milliseconds(20);
    auto client = bus::Client::connect(bus.client_node, "dns+tcp://localhost:" + port, options);
    REQUIRE(client.ok());
    const auto replicas = client->replicas();
    CHECK(std::find(replicas.begin(), replicas.end(), "tcp://127.0.0.1:" + port) != replicas.end());
    // Calls spaced over several refresh periods: each lookup runs on its own thread meanwhile.
    int answered = 0;
    for (int i = 0; i < 25; ++i) {
      answered += echo_call(client.value(), "echo.echo", "by name").ok();
      boost::this_fiber::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(answered == 25);
    CHECK(client->replicas() == replicas);  // the same answer keeps the same peers
  });
}

TEST_CASE("targets that cannot be used are refused when the client is made") {
  test::BusFixture bus;
  bus.run([&]() {
    for (const char* target : {"dns+tcp://localhost", "udp://127.0.0.1:1", "", ",", "registry+tcp://127.0.0.1:1"}) {
      INFO(target);
      auto client = bus::Client::connect(bus.client_node, target);
      REQUIRE_FALSE(client.ok());
      CHECK(client.status().code() == bus::ErrorCode::bad_request);
    }
  });
}

TEST_CASE("an endpoint ZeroMQ cannot connect to is an error of the client, not an exception in the caller") {
  // In a container, a peer's host name does not resolve until that container exists; ZeroMQ then refuses the
  // connect (EINVAL), as it does for a port that is not a number.
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus::Client::connect(bus.client_node, "tcp://127.0.0.1:notaport");
    REQUIRE_FALSE(client.ok());
    CHECK(client.status().code() == bus::ErrorCode::unavailable);
    CHECK(client.status().message().find("cannot connect to tcp://127.0.0.1:notaport") != std::string::npos);
    // One good endpoint among refused ones is enough.
    auto mixed = bus::Client::connect(bus.client_node, "tcp://127.0.0.1:notaport," + bus.endpoint());
    REQUIRE(mixed.ok());
    CHECK(mixed->replicas() == std::vector<std::string>{bus.endpoint()});
    CHECK(echo_call(mixed.value(), "echo.echo", "still here").ok());
  });
}
