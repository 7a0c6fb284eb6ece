#include "skymesh/bus/json.hpp"

#include <capnp/compat/json.h>
#include <capnp/dynamic.h>
#include <kj/exception.h>

namespace skymesh::bus {

struct JsonSchemas::Impl {
  capnp::SchemaLoader loader;
  capnp::JsonCodec codec;
  std::map<std::string, MethodSchema> methods;
};

JsonSchemas::JsonSchemas() : impl_(std::make_unique<Impl>()) {}
JsonSchemas::~JsonSchemas() = default;

Status JsonSchemas::load(proto::InfoReply::Reader info) {
  try {
    for (auto node : info.getSchemas()) impl_->loader.loadOnce(node);
    for (auto node : info.getSchemas()) {
      capnp::Schema schema = impl_->loader.get(node.getId());
      if (schema.getProto().isStruct()) impl_->codec.handleByAnnotation(schema.asStruct());
    }
    for (auto method : info.getMethods()) {
      MethodSchema entry{impl_->loader.get(method.getRequestType()).asStruct(),
                         impl_->loader.get(method.getReplyType()).asStruct(), method.getStateClass()};
      impl_->methods.insert_or_assign(method.getName(), entry);
    }
  } catch (const kj::Exception& e) {
    return Status(ErrorCode::bad_request, std::string("schemas in sys.info did not load: ") + e.getDescription().cStr());
  }
  return Status();
}

Result<MethodSchema> JsonSchemas::method(const std::string& name) const {
  auto found = impl_->methods.find(name);
  if (found == impl_->methods.end()) return Status(ErrorCode::unknown_method, "the serverlet has no method " + name);
  return found->second;
}

Result<capnp::StructSchema> JsonSchemas::struct_schema(uint64_t id) const {
  KJ_IF_MAYBE(schema, impl_->loader.tryGet(id)) {
    if (schema->getProto().isStruct()) return schema->asStruct();
  }
  return Status(ErrorCode::not_found, "unknown schema id " + std::to_string(id));
}

Status JsonSchemas::from_json(capnp::StructSchema schema, std::string_view json, capnp::AnyPointer::Builder payload) const {
  try {
    auto root = payload.initAs<capnp::DynamicStruct>(schema);
    impl_->codec.decode(kj::ArrayPtr<const char>(json.data(), json.size()), root);
  } catch (const kj::Exception& e) {
    return Status(ErrorCode::bad_request, std::string("JSON does not fit ") + schema.getShortDisplayName().cStr() +
                                              ": " + e.getDescription().cStr());
  }
  return Status();
}

Result<std::string> JsonSchemas::to_json(capnp::StructSchema schema, capnp::AnyPointer::Reader payload) const {
  try {
    if (payload.isNull()) return std::string("{}");
    kj::String text = impl_->codec.encode(payload.getAs<capnp::DynamicStruct>(schema));
    return std::string(text.cStr(), text.size());
  } catch (const kj::Exception& e) {
    return Status(ErrorCode::bad_request, std::string("payload is not a valid ") + schema.getShortDisplayName().cStr() +
                                              ": " + e.getDescription().cStr());
  }
}

void collect_schemas(capnp::Schema root, std::map<uint64_t, capnp::Schema>& out) {
  if (!out.emplace(root.getProto().getId(), root).second) return;
  if (!root.getProto().isStruct()) return;
  for (auto field : root.asStruct().getFields()) {
    capnp::Type type = field.getType();
    while (type.isList()) type = type.asList().getElementType();
    if (type.isStruct()) collect_schemas(type.asStruct(), out);
    if (type.isEnum()) collect_schemas(type.asEnum(), out);
  }
}

}  // namespace skymesh::bus
