#include "keys.hpp"

#include <sys/stat.h>

#include <fstream>

#include "skymesh/bus/security.hpp"

namespace skymesh::launcher {
namespace {

// The public key in `path`, creating a fresh key pair there when the file does not exist.
bus::Result<std::string> key_in(const std::filesystem::path& path, std::vector<std::string>& created) {
  if (!std::filesystem::exists(path)) {
    const bus::CurveKeyPair keys = bus::generate_curve_keypair();
    if (bus::Status status = bus::write_key_file(path, keys); !status.ok()) return status;
    created.push_back(path.string());
    return keys.public_key;
  }
  auto keys = bus::load_key_file(path);
  if (!keys.ok()) return keys.status();
  if (keys->secret_key.empty()) return bus::Status(bus::ErrorCode::bad_request, path.string() + " has no secret key");
  return keys->public_key;
}

// Writes `text` to `path` through a temporary file and a rename, with `mode`.
bus::Status write_file(const std::filesystem::path& path, const std::string& text, mode_t mode) {
  const std::filesystem::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    if (!out.flush()) return bus::Status(bus::ErrorCode::storage, "cannot write " + temp.string());
  }
  ::chmod(temp.c_str(), mode);
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) return bus::Status(bus::ErrorCode::storage, "cannot write " + path.string());
  return bus::Status();
}

}  // namespace

bus::Status ensure_keys(const VarLayout& var, const MeshConfig& config, std::vector<std::string>& created) {
  std::error_code error;
  std::filesystem::create_directories(var.keys_dir(), error);
  if (error) return bus::Status(bus::ErrorCode::storage, "cannot create " + var.keys_dir().string());
  ::chmod(var.keys_dir().c_str(), 0700);
  // `public = KEY` lines: a Z85 key may itself start with '#', which a bare line would turn into a comment.
  std::string allow = "# written by skymesh up: the public keys a local serverlet admits\n";
  auto client = key_in(var.client_key(), created);
  if (!client.ok()) return client.status();
  allow += "# client\npublic = " + client.value() + "\n";
  for (const ServerletEntry& entry : config.serverlets) {
    if (!entry.enabled || !entry.curve) continue;
    auto key = key_in(var.key(entry.name), created);
    if (!key.ok()) return key.status();
    allow += "# " + entry.name + "\npublic = " + key.value() + "\n";
    const std::string public_line = "public = " + key.value() + "\n";
    if (bus::Status status = write_file(var.public_key(entry.name), public_line, 0644); !status.ok()) return status;
  }
  return write_file(var.allow_file(), allow, 0644);
}

}  // namespace skymesh::launcher
