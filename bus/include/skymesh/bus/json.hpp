// JSON for people and thin clients: converts request and reply payloads using schemas learned at run time from
// a serverlet's sys.info (so meshctl and the HTTP bridge know no serverlet at compile time). Byte fields marked
// $Json.hex are hex strings; 64-bit integers are strings, as Cap'n Proto's JSON codec writes them.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <capnp/any.h>
#include <capnp/schema-loader.h>

#include "skymesh/bus/status.hpp"
#include "skymesh/proto/sys.capnp.h"

namespace skymesh::bus {

struct MethodSchema {
  capnp::StructSchema request;
  capnp::StructSchema reply;
  proto::StateClass state_class;
};

class JsonSchemas {
 public:
  JsonSchemas();
  ~JsonSchemas();
  JsonSchemas(const JsonSchemas&) = delete;
  JsonSchemas& operator=(const JsonSchemas&) = delete;

  // Loads the schemas and method table of a sys.info reply.
  Status load(proto::InfoReply::Reader info);
  Result<MethodSchema> method(const std::string& name) const;
  Result<capnp::StructSchema> struct_schema(uint64_t id) const;

  // Parses `json` (an object) into a payload of `schema`; bad_request naming the problem otherwise.
  Status from_json(capnp::StructSchema schema, std::string_view json, capnp::AnyPointer::Builder payload) const;
  Result<std::string> to_json(capnp::StructSchema schema, capnp::AnyPointer::Reader payload) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Every struct and enum schema `root` refers to (itself, fields, groups, lists), for sys.info.
void collect_schemas(capnp::Schema root, std::map<uint64_t, capnp::Schema>& out);

}  // namespace skymesh::bus
