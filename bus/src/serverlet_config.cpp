#include "serverlet_config.hpp"

#include <algorithm>
#include <cctype>

#include "skymesh/toml/toml.hpp"

namespace skymesh::bus {
namespace {

Status type_error(const std::string& path, const toml::Value& value, const std::string& key, const char* wanted) {
  return Status(ErrorCode::bad_request, path + ":" + std::to_string(value.line()) + ": `" + key + "` must be " +
                                            wanted + ", not " + std::string(toml::type_name(value.type())));
}

Status read_string(const std::string& path, const std::string& key, const toml::Value& value, std::string& out) {
  if (const auto* text = value.as_string()) {
    out = *text;
    return Status();
  }
  return type_error(path, value, key, "a string");
}

// A string, or an array of strings.
Status read_list(const std::string& path, const std::string& key, const toml::Value& value,
                 std::vector<std::string>& out) {
  out.clear();
  if (const auto* text = value.as_string()) {
    out.push_back(*text);
    return Status();
  }
  const auto* array = value.as_array();
  if (!array) return type_error(path, value, key, "a string or an array of strings");
  for (const auto& item : *array) {
    const auto* text = item.as_string();
    if (!text) return type_error(path, item, key, "an array of strings");
    out.push_back(*text);
  }
  return Status();
}

}  // namespace

Status parse_spin_us(const std::string& text, long& spin_us) {
  constexpr long k_max_spin_us = 10000;
  long value = 0;
  const bool digits = !text.empty() && text.size() <= 5 &&
                      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) value = std::stol(text);
  if (!digits || value > k_max_spin_us) {
    return Status(ErrorCode::bad_request, "`" + text + "` is not a number of microseconds from 0 to 10000");
  }
  spin_us = value;
  return Status();
}

std::string flag_env_name(const std::string& flag) {
  std::string name = "SKYMESH_";
  for (char c : flag) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

Status apply_config_file(const std::string& path, const ServerletSpec& spec, ServerletOptions& options) {
  auto parsed = toml::parse_file(path);
  if (!parsed.ok()) return Status(ErrorCode::bad_request, parsed.error().to_string());
  for (const auto& [key, value] : parsed.table().entries()) {
    Status status;
    if (key == "listen") {
      status = read_list(path, key, value, options.listen);
    } else if (key == "advertise") {
      status = read_list(path, key, value, options.advertise);
    } else if (key == "data") {
      status = read_string(path, key, value, options.data_dir);
    } else if (key == "key") {
      status = read_string(path, key, value, options.key_file);
    } else if (key == "allow") {
      status = read_string(path, key, value, options.allow_file);
    } else if (key == "log-level") {
      status = read_string(path, key, value, options.log_level);
    } else if (key == "registry") {
      status = read_string(path, key, value, options.registry);
    } else if (key == "registry-key") {
      status = read_string(path, key, value, options.registry_key);
    } else if (key == "spin-us") {
      if (const auto* number = value.as_integer()) {
        status = parse_spin_us(std::to_string(*number), options.spin_us);
        if (!status.ok())
          status = Status(ErrorCode::bad_request,
                          path + ":" + std::to_string(value.line()) + ": `spin-us` " + status.message());
      } else {
        status = type_error(path, value, key, "an integer");
      }
    } else if (key == "insecure") {
      if (const auto* flag = value.as_boolean()) {
        options.insecure = *flag;
      } else {
        status = type_error(path, value, key, "true or false");
      }
    } else if (spec.flags.count(key)) {
      if (const auto* text = value.as_string()) {
        options.values[key] = *text;
      } else if (const auto* number = value.as_integer()) {
        options.values[key] = std::to_string(*number);
      } else if (const auto* flag = value.as_boolean()) {
        options.values[key] = *flag ? "true" : "false";
      } else {
        status = type_error(path, value, key, "a string, an integer or a boolean");
      }
    } else {
      status = Status(ErrorCode::bad_request,
                      path + ":" + std::to_string(value.line()) + ": unknown setting `" + key + "` (see --help)");
    }
    if (!status.ok()) return status;
  }
  return Status();
}

}  // namespace skymesh::bus
