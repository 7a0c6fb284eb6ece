#include <cstdio>
#include <iostream>

#include <capnp/compat/json.h>

#include "meshctl.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/json.hpp"
#include "skymesh/bus/node.hpp"
#include "skymesh/proto/sys.capnp.h"

namespace skymesh::meshctl {
namespace {

int fail(const bus::Status& status) {
  std::fprintf(stderr, "error %s: %s\n", std::string(bus::error_code_name(status.code())).c_str(),
               status.message().c_str());
  return 1;
}

bus::Result<std::string> server_key(const std::string& text) {
  if (text.empty() || bus::valid_z85_key(text)) return text;
  auto keys = bus::load_key_file(text);
  if (!keys.ok()) return keys.status();
  return keys->public_key;
}

std::string pretty_or_not(const std::string& json, bool pretty) {
  if (!pretty) return json;
  capnp::JsonCodec codec;
  codec.setPrettyPrint(true);
  capnp::MallocMessageBuilder message;
  auto value = message.initRoot<capnp::JsonValue>();
  codec.decodeRaw(kj::ArrayPtr<const char>(json.data(), json.size()), value);
  return std::string(codec.encodeRaw(value).cStr());
}

class Session {
 public:
  Session(bus::Node& node, const Options& options) : node_(node), options_(options) {}

  bus::Status connect() {
    auto key = server_key(options_.server_key);
    if (!key.ok()) return key.status();
    bus::ClientOptions client_options;
    client_options.server_public_key = key.value();
    auto client = bus::Client::connect(node_, options_.connect, client_options);
    if (!client.ok()) return client.status();
    client_.emplace(client.value());
    return bus::Status();
  }

  bus::Result<bus::MessagePtr> call(const std::string& method, uint64_t type, const bus::Fill& fill) {
    return client_->call_raw(method, type, fill, bus::CallOptions{std::chrono::milliseconds(options_.timeout_ms)});
  }

  bus::Status load_schemas() {
    auto info =
        call("sys.info", capnp::typeId<proto::Empty>(), [](capnp::AnyPointer::Builder p) { p.initAs<proto::Empty>(); });
    if (!info.ok()) return info.status();
    return schemas_.load(info.value()->payload<proto::InfoReply>());
  }

  int run_call(const std::string& method, const std::string& json) {
    if (bus::Status status = load_schemas(); !status.ok()) return fail(status);
    auto schema = schemas_.method(method);
    if (!schema.ok()) return fail(schema.status());
    // Parse first: a request that does not fit its schema is never sent.
    capnp::MallocMessageBuilder request;
    bus::Status parsed = schemas_.from_json(schema->request, json, request.getRoot<capnp::AnyPointer>());
    if (!parsed.ok()) return fail(parsed);
    auto reply = call(method, schema->request.getProto().getId(), [&request](capnp::AnyPointer::Builder payload) {
      payload.set(request.getRoot<capnp::AnyPointer>().asReader());
    });
    if (!reply.ok()) return fail(reply.status());
    return print(schema->reply, reply.value()->payload_any());
  }

  int run_sys(const std::string& what) {
    if (bus::Status status = load_schemas(); !status.ok()) return fail(status);
    auto schema = schemas_.method("sys." + what);
    if (!schema.ok()) return fail(schema.status());
    auto reply = call("sys." + what, capnp::typeId<proto::Empty>(),
                      [](capnp::AnyPointer::Builder p) { p.initAs<proto::Empty>(); });
    if (!reply.ok()) return fail(reply.status());
    if (what == "info" && !options_.schemas) {
      // The schema nodes are for tools; a person asked for the rest.
      capnp::MallocMessageBuilder copy;
      copy.setRoot(reply.value()->payload<proto::InfoReply>());
      copy.getRoot<proto::InfoReply>().disownSchemas();
      return print(schema->reply, copy.getRoot<capnp::AnyPointer>().asReader());
    }
    return print(schema->reply, reply.value()->payload_any());
  }

  int run_subscribe(const std::string& topic) {
    if (bus::Status status = load_schemas(); !status.ok()) return fail(status);
    auto info =
        call("sys.info", capnp::typeId<proto::Empty>(), [](capnp::AnyPointer::Builder p) { p.initAs<proto::Empty>(); });
    if (!info.ok()) return fail(info.status());
    uint64_t event_type = 0;
    for (auto entry : info.value()->payload<proto::InfoReply>().getTopics()) {
      if (entry.getName() == topic) event_type = entry.getEventType();
    }
    if (event_type == 0) return fail(bus::Status(bus::ErrorCode::not_found, "the serverlet has no topic " + topic));
    auto schema = schemas_.struct_schema(event_type);
    if (!schema.ok()) return fail(schema.status());
    bus::Subscription subscription(*client_, topic, options_.since);
    for (uint64_t seen = 0; options_.count == 0 || seen < options_.count; ++seen) {
      auto event = subscription.next(std::chrono::hours(24 * 365));
      if (!event.ok()) return fail(event.status());
      auto json = schemas_.to_json(schema.value(), event.value()->payload_any());
      if (!json.ok()) return fail(json.status());
      std::printf("{\"seq\":\"%llu\",\"event\":%s}\n", static_cast<unsigned long long>(event.value()->event_seq()),
                  json->c_str());
      std::fflush(stdout);
    }
    return 0;
  }

 private:
  int print(capnp::StructSchema schema, capnp::AnyPointer::Reader payload) {
    auto json = schemas_.to_json(schema, payload);
    if (!json.ok()) return fail(json.status());
    std::cout << pretty_or_not(json.value(), options_.pretty) << std::endl;
    return 0;
  }

  bus::Node& node_;
  const Options& options_;
  std::optional<bus::Client> client_;
  bus::JsonSchemas schemas_;
};

int keygen(const std::string& file) {
  const bus::CurveKeyPair keys = bus::generate_curve_keypair();
  if (bus::Status status = bus::write_key_file(file, keys); !status.ok()) return fail(status);
  std::printf("%s\n", keys.public_key.c_str());
  return 0;
}

}  // namespace

int run(const Options& options) {
  const std::string& command = options.command.front();
  if (command == "keygen") return keygen(options.command[1]);
  bus::NodeOptions node_options;
  node_options.name = "meshctl";
  node_options.log_level = bus::LogLevel::error;
  node_options.default_timeout = std::chrono::milliseconds(options.timeout_ms);
  if (!options.key_file.empty()) {
    auto keys = bus::load_key_file(options.key_file);
    if (!keys.ok()) return fail(keys.status());
    node_options.security.keys = keys.value();
  }
  zmq::context_t context;
  bus::Reactor reactor(context);
  bus::Node node(reactor, node_options);
  int code = 0;
  reactor.run_until_done([&]() {
    Session session(node, options);
    if (bus::Status status = session.connect(); !status.ok()) {
      code = fail(status);
      return;
    }
    if (command == "call") {
      code = session.run_call(options.command[1], options.command.size() > 2 ? options.command[2] : "{}");
    } else if (command == "subscribe") {
      code = session.run_subscribe(options.command[1]);
    } else {
      code = session.run_sys(command);
    }
  });
  return code;
}

}  // namespace skymesh::meshctl
