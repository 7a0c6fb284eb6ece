#include "bridge.hpp"

#include <capnp/message.h>

#include "skymesh/proto/sys.capnp.h"

namespace skymesh::admin {

int http_status_for(bus::ErrorCode code) {
  using bus::ErrorCode;
  switch (code) {
    case ErrorCode::ok:
      return 200;
    case ErrorCode::bad_request:
    case ErrorCode::bad_envelope:
    case ErrorCode::bad_payload_type:
      return 400;
    case ErrorCode::unauthorized:
      return 403;
    case ErrorCode::unknown_method:
    case ErrorCode::unknown_handler:
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::handler_gone:
      return 410;
    case ErrorCode::already_exists:
      return 409;
    case ErrorCode::failed_precondition:
      return 412;
    case ErrorCode::out_of_range:
      return 416;
    case ErrorCode::deadline_exceeded:
      return 504;
    case ErrorCode::cancelled:
      return 499;
    case ErrorCode::overloaded:
      return 429;
    case ErrorCode::unavailable:
      return 503;
    default:
      return 500;
  }
}

HttpResponse error_response(const bus::Status& status) {
  const int http = http_status_for(status.code());
  return HttpResponse{
      http, "application/json",
      json_error(static_cast<int>(status.code()), bus::error_code_name(status.code()), status.message())};
}

struct Bridge::Link {
  std::string target;  // the resolver's answer this client was made for
  std::optional<bus::Client> client;
  bus::JsonSchemas schemas;
  bool loaded = false;
};

Bridge::Bridge(bus::Node& node, ServiceResolver resolver, std::chrono::milliseconds timeout)
    : node_(node), resolver_(std::move(resolver)), timeout_(timeout) {}

Bridge::~Bridge() = default;

bus::Result<std::shared_ptr<Bridge::Link>> Bridge::link(const std::string& service, bool reload_schemas) {
  auto target = resolver_(service);
  if (!target.ok()) return target.status();
  auto& slot = links_[service];
  if (!slot || slot->target != target->target + "|" + target->public_key) {
    auto fresh = std::make_shared<Link>();
    if (target->local) {
      fresh->client.emplace(bus::Client::local(node_, node_));
    } else {
      bus::ClientOptions options;
      options.server_public_key = target->public_key;
      auto client = bus::Client::connect(node_, target->target, options);
      if (!client.ok()) return client.status();
      fresh->client.emplace(std::move(client).value());
    }
    fresh->target = target->target + "|" + target->public_key;
    slot = std::move(fresh);
  }
  std::shared_ptr<Link> link = slot;
  if (!link->loaded || reload_schemas) {
    auto info = link->client->call_raw(
        "sys.info", capnp::typeId<proto::Empty>(), [](capnp::AnyPointer::Builder p) { p.initAs<proto::Empty>(); },
        bus::CallOptions{timeout_});
    if (!info.ok()) return info.status();
    if (bus::Status status = link->schemas.load(info.value()->payload<proto::InfoReply>()); !status.ok()) {
      return status;
    }
    link->loaded = true;
  }
  return link;
}

HttpResponse Bridge::call(const std::string& service, const std::string& method, const std::string& body) {
  auto found = link(service, false);
  if (!found.ok()) return error_response(found.status());
  std::shared_ptr<Link> link = found.value();
  auto schema = link->schemas.method(method);
  if (!schema.ok()) {  // a newer version of the service may have it: ask once more
    found = this->link(service, true);
    if (!found.ok()) return error_response(found.status());
    link = found.value();
    schema = link->schemas.method(method);
    if (!schema.ok()) return error_response(schema.status());
  }
  capnp::MallocMessageBuilder request;
  const std::string json = body.empty() ? "{}" : body;
  if (bus::Status parsed = link->schemas.from_json(schema->request, json, request.getRoot<capnp::AnyPointer>());
      !parsed.ok()) {
    return error_response(parsed);
  }
  auto reply = link->client->call_raw(
      method, schema->request.getProto().getId(),
      [&request](capnp::AnyPointer::Builder payload) { payload.set(request.getRoot<capnp::AnyPointer>().asReader()); },
      bus::CallOptions{timeout_});
  if (!reply.ok()) return error_response(reply.status());
  auto text = link->schemas.to_json(schema->reply, reply.value()->payload_any());
  if (!text.ok()) return error_response(text.status());
  return HttpResponse{200, "application/json", text.value()};
}

}  // namespace skymesh::admin
