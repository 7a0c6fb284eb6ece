#include "skymesh/bus/json.hpp"

#include <cctype>

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
    return Status(ErrorCode::bad_request,
                  std::string("schemas in sys.info did not load: ") + e.getDescription().cStr());
  }
  return Status();
}

Result<MethodSchema> JsonSchemas::method(const std::string& name) const {
  auto found = impl_->methods.find(name);
  if (found == impl_->methods.end()) return Status(ErrorCode::unknown_method, "the serverlet has no method " + name);
  return found->second;
}

Result<capnp::StructSchema> JsonSchemas::struct_schema(uint64_t id) const {
  KJ_IF_MAYBE (schema, impl_->loader.tryGet(id)) {
    if (schema->getProto().isStruct()) return schema->asStruct();
  }
  return Status(ErrorCode::not_found, "unknown schema id " + std::to_string(id));
}

namespace {

constexpr uint64_t k_json_name_annotation = 0xfa5b1fd61c2e7c3dull;
constexpr uint64_t k_json_hex_annotation = 0xf061e22f0ae5c7b5ull;

bool has_annotation(capnp::StructSchema::Field field, uint64_t id) {
  for (auto annotation : field.getProto().getAnnotations()) {
    if (annotation.getId() == id) return true;
  }
  return false;
}

bool is_hex(capnp::Text::Reader text) {
  if (text.size() % 2 != 0) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string json_name(capnp::StructSchema::Field field) {
  for (auto annotation : field.getProto().getAnnotations()) {
    if (annotation.getId() == k_json_name_annotation) return annotation.getValue().getText();
  }
  return field.getProto().getName();
}

// Cap'n Proto's codec skips fields it does not know and reads bad hex as zeros; a person's typo deserves an
// error instead. Returns the first offending field's path, or "".
std::string unknown_field(capnp::StructSchema schema, capnp::JsonValue::Reader value, const std::string& path) {
  if (!value.isObject()) return "";
  for (auto member : value.getObject()) {
    const std::string name = member.getName();
    bool known = false;
    for (auto field : schema.getFields()) {
      if (json_name(field) != name) continue;
      known = true;
      capnp::Type type = field.getType();
      if (type.isData() && has_annotation(field, k_json_hex_annotation) && member.getValue().isString() &&
          !is_hex(member.getValue().getString())) {
        return path + name + " (not an even-length hex string)";
      }
      if (type.isStruct()) {
        std::string inner = unknown_field(type.asStruct(), member.getValue(), path + name + ".");
        if (!inner.empty()) return inner;
      }
      if (type.isList() && type.asList().getElementType().isStruct() && member.getValue().isArray()) {
        const auto element = type.asList().getElementType().asStruct();
        unsigned index = 0;
        for (auto item : member.getValue().getArray()) {
          std::string inner = unknown_field(element, item, path + name + "[" + std::to_string(index++) + "].");
          if (!inner.empty()) return inner;
        }
      }
    }
    if (!known) return path + name;
  }
  return "";
}

}  // namespace

Status JsonSchemas::from_json(capnp::StructSchema schema, std::string_view json,
                              capnp::AnyPointer::Builder payload) const {
  try {
    capnp::MallocMessageBuilder parsed;
    auto value = parsed.initRoot<capnp::JsonValue>();
    impl_->codec.decodeRaw(kj::ArrayPtr<const char>(json.data(), json.size()), value);
    if (!value.isObject()) return Status(ErrorCode::bad_request, "the request must be a JSON object");
    const std::string unknown = unknown_field(schema, value.asReader(), "");
    if (!unknown.empty()) {
      return Status(ErrorCode::bad_request,
                    std::string(schema.getShortDisplayName().cStr()) + ": bad or unknown field " + unknown);
    }
    auto root = payload.initAs<capnp::DynamicStruct>(schema);
    impl_->codec.decode(value.asReader(), root);
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
