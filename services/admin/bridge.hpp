// The HTTP JSON bridge: POST /api/<service>/<method> with a JSON body calls that method on a live replica of
// the service through the bus and answers its JSON reply. Schemas come from the service's own sys.info (so the
// bridge knows no serverlet at compile time); errors keep their bus error code and get a matching HTTP status.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "http.hpp"
#include "skymesh/bus/client.hpp"
#include "skymesh/bus/json.hpp"
#include "skymesh/bus/node.hpp"

namespace skymesh::admin {

// Where a service can be reached now: a bus target (a comma list of replicas) and its CurveZMQ key.
struct ServiceTarget {
  std::string target;
  std::string public_key;
  bool local = false;  // the bridge's own node: called in process
};
using ServiceResolver = std::function<bus::Result<ServiceTarget>(const std::string& service)>;

// The HTTP status that carries a bus error code.
int http_status_for(bus::ErrorCode code);
// An HTTP error response in the bridge's JSON form: {"error":{"code":N,"name":..,"message":..}}.
HttpResponse error_response(const bus::Status& status);

class Bridge {
 public:
  Bridge(bus::Node& node, ServiceResolver resolver, std::chrono::milliseconds timeout);
  ~Bridge();

  // Calls `method` of `service` with the JSON object `body`; the reply's JSON, or an error response.
  HttpResponse call(const std::string& service, const std::string& method, const std::string& body);

 private:
  struct Link;
  bus::Result<std::shared_ptr<Link>> link(const std::string& service, bool reload_schemas);

  bus::Node& node_;
  ServiceResolver resolver_;
  std::chrono::milliseconds timeout_;
  std::map<std::string, std::shared_ptr<Link>> links_;  // a call holds its own reference
};

}  // namespace skymesh::admin
