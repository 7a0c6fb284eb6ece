// The four dispatch kinds, each through real sockets.
#include "bus_fixture.hpp"

using namespace skymesh;
using test::echo_call;

TEST_CASE("a request reaches the default function of its method and the reply comes back") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    auto reply = echo_call(client, "echo.echo", "hello");
    REQUIRE(reply.ok());
    CHECK(std::string((*reply.value()).getText()) == "hello");
    CHECK((*reply.value()).getCalls() == 1);
    CHECK(std::string((*reply.value()).getNode()) == "echo");
    // Answers come back on the caller's own connection, which names the server: they carry no sender id, and the
    // caller knows what it asked: they do not repeat the method. They are numbered in the server's stream.
    CHECK(reply.value().message()->sender().empty());
    CHECK(reply.value().message()->method().empty());
    CHECK(reply.value().message()->stream_id() != 0);
    CHECK(reply.value().message()->seq() >= 1);
  });
}

TEST_CASE("an unknown method gets unknown_method and the serverlet keeps serving") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    auto missing = echo_call(client, "echo.nothing", "x");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.status().code() == bus::ErrorCode::unknown_method);
    CHECK(echo_call(client, "echo.echo", "still here").ok());
  });
}

TEST_CASE("a handler's error reaches the caller with its stable code and message") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    auto failed = echo_call(client, "echo.fail", "on purpose");
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.status().code() == bus::ErrorCode::failed_precondition);
    CHECK(failed.status().message() == "asked to fail: on purpose");
  });
}

namespace {

// A service in the usual shape: methods are member functions, one of them deep in a layer that throws.
struct Shelf {
  bus::Status put(proto::EchoRequest::Reader request, proto::EchoReply::Builder reply) {
    if (request.getText() == "full") throw bus::StatusError(bus::Status(bus::ErrorCode::storage, "the shelf is full"));
    if (request.getText() == "broken") throw std::runtime_error("a plank broke");
    reply.setText(request.getText());
    reply.setCalls(++puts);
    return bus::Status();
  }
  uint64_t puts = 0;
};

}  // namespace

TEST_CASE("a member function serves a method; a StatusError it throws reaches the caller as that status") {
  test::BusFixture bus;
  Shelf shelf;
  bus.server.handle<proto::EchoRequest, proto::EchoReply>("shelf.put", &shelf, &Shelf::put);
  bus.run([&]() {
    auto client = bus.client();
    auto stored = echo_call(client, "shelf.put", "a book");
    REQUIRE(stored.ok());
    CHECK(std::string((*stored.value()).getText()) == "a book");
    CHECK((*stored.value()).getCalls() == 1);
    auto full = echo_call(client, "shelf.put", "full");
    REQUIRE_FALSE(full.ok());
    CHECK(full.status().code() == bus::ErrorCode::storage);
    CHECK(full.status().message() == "the shelf is full");
    auto broken = echo_call(client, "shelf.put", "broken");
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.status().code() == bus::ErrorCode::internal);
    CHECK(echo_call(client, "shelf.put", "another").ok());
    CHECK(shelf.puts == 2);
  });
}

TEST_CASE("a payload of the wrong type gets bad_payload_type") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    auto wrong =
        client.call<proto::Tick, proto::EchoReply>("echo.echo", [](proto::Tick::Builder tick) { tick.setN(1); });
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.status().code() == bus::ErrorCode::bad_payload_type);
  });
}

TEST_CASE("answers tagged with a handler id go into the event channel a fiber reads") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    bus::Stream stream(client, "echo.repeat");
    REQUIRE(stream
                .send<proto::EchoRequest>([](proto::EchoRequest::Builder request) {
                  request.setText("tick");
                  request.setCount(3);
                })
                .ok());
    std::vector<bus::Kind> kinds;
    for (int i = 0; i < 4; ++i) {
      bus::IncomingPtr incoming;
      REQUIRE(stream.replies().pop(incoming) == boost::fibers::channel_op_status::success);
      kinds.push_back(incoming->message().kind());
      if (i < 3) CHECK(incoming->message().payload<proto::EchoReply>().getCalls() == static_cast<uint64_t>(i + 1));
    }
    CHECK(kinds == std::vector<bus::Kind>{bus::Kind::STREAM_ITEM, bus::Kind::STREAM_ITEM, bus::Kind::STREAM_ITEM,
                                          bus::Kind::REPLY});
  });
}

TEST_CASE("answers tagged with a handler id call the function instance bound to it") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    std::vector<std::string> seen;
    boost::fibers::promise<void> done;
    bus::HandlerId id = bus.client_node.bind_function([&seen, &done](bus::Incoming& incoming) {
      seen.push_back(incoming.message().payload<proto::EchoReply>().getText());
      if (incoming.message().kind() == bus::Kind::REPLY) done.set_value();
    });
    REQUIRE(client
                .send_raw(
                    "echo.repeat", capnp::typeId<proto::EchoRequest>(),
                    [](capnp::AnyPointer::Builder payload) {
                      auto request = payload.initAs<proto::EchoRequest>();
                      request.setText("fn");
                      request.setCount(2);
                    },
                    bus::CallOptions{std::chrono::milliseconds(2000), id, 0})
                .ok());
    done.get_future().get();
    CHECK(seen == std::vector<std::string>{"fn", "fn", ""});
  });
}

TEST_CASE("a request for a live object reaches its method and one for a dead object gets handler_gone") {
  test::BusFixture bus;
  bus.run([&]() {
    auto client = bus.client();
    auto opened = echo_call(client, "echo.session", "");
    REQUIRE(opened.ok());
    const bus::HandlerId session = (*opened.value()).getCalls();
    bus::CallOptions to_session;
    to_session.target = session;
    for (uint64_t expected = 1; expected <= 3; ++expected) {
      auto reply = echo_call(client, "echo.any", "hi", 0, 0, to_session);
      REQUIRE(reply.ok());
      CHECK((*reply.value()).getCalls() == expected);
    }
    REQUIRE(echo_call(client, "echo.endSession", "", 0, static_cast<uint32_t>(session)).ok());
    auto gone = echo_call(client, "echo.any", "hi", 0, 0, to_session);
    REQUIRE_FALSE(gone.ok());
    CHECK(gone.status().code() == bus::ErrorCode::handler_gone);
    auto unbound = echo_call(client, "echo.any", "hi", 0, 0, bus::CallOptions{{}, 0, 999999});
    REQUIRE_FALSE(unbound.ok());
    CHECK(unbound.status().code() == bus::ErrorCode::unknown_handler);
    CHECK(echo_call(client, "echo.echo", "alive").ok());
  });
}
