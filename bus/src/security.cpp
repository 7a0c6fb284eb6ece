#include "skymesh/bus/security.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <zmq.h>

namespace skymesh::bus {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

bool valid_z85_key(const std::string& key) {
  if (key.size() != 40) return false;
  uint8_t decoded[32];
  return zmq_z85_decode(decoded, key.c_str()) != nullptr;
}

CurveKeyPair generate_curve_keypair() {
  char public_key[41];
  char secret_key[41];
  zmq_curve_keypair(public_key, secret_key);
  return CurveKeyPair{public_key, secret_key};
}

Result<CurveKeyPair> load_key_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::not_found, "cannot read key file " + path.string());
  CurveKeyPair keys;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;  // whole-line comments only: Z85 itself uses '#'
    const auto eq = line.find('=');
    const std::string name = eq == std::string::npos ? "public" : trim(line.substr(0, eq));
    const std::string value = trim(eq == std::string::npos ? line : line.substr(eq + 1));
    if (!valid_z85_key(value)) {
      return Status(ErrorCode::bad_request,
                    path.string() + ":" + std::to_string(line_number) + ": not a 40-character Z85 key");
    }
    if (name == "public") {
      keys.public_key = value;
    } else if (name == "secret") {
      keys.secret_key = value;
    } else {
      return Status(ErrorCode::bad_request,
                    path.string() + ":" + std::to_string(line_number) + ": expected `public = KEY` or `secret = KEY`");
    }
  }
  if (keys.public_key.empty() && !keys.secret_key.empty()) {
    char public_key[41];
    if (zmq_curve_public(public_key, keys.secret_key.c_str()) != 0) {
      return Status(ErrorCode::bad_request, path.string() + ": secret key is not valid");
    }
    keys.public_key = public_key;
  }
  if (keys.public_key.empty()) return Status(ErrorCode::bad_request, path.string() + ": no key in file");
  return keys;
}

Status write_key_file(const std::filesystem::path& path, const CurveKeyPair& keys) {
  std::ostringstream text;
  text << "# skymesh CurveZMQ key pair: keep the secret line private\n";
  text << "public = " << keys.public_key << "\n";
  if (!keys.secret_key.empty()) text << "secret = " << keys.secret_key << "\n";
  const std::filesystem::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out) return Status(ErrorCode::storage, "cannot write " + temp.string());
    ::chmod(temp.c_str(), 0600);
    out << text.str();
    if (!out.flush()) return Status(ErrorCode::storage, "cannot write " + temp.string());
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) return Status(ErrorCode::storage, "cannot rename " + temp.string() + ": " + error.message());
  return Status();
}

Result<std::vector<std::string>> load_allow_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return Status(ErrorCode::not_found, "cannot read allow file " + path.string());
  std::vector<std::string> keys;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;  // whole-line comments only: Z85 itself uses '#'
    const auto eq = line.find('=');
    if (eq != std::string::npos) {
      if (trim(line.substr(0, eq)) != "public") continue;  // a concatenated key file's secret line: skip
      line = trim(line.substr(eq + 1));
    }
    if (!valid_z85_key(line)) {
      return Status(ErrorCode::bad_request,
                    path.string() + ":" + std::to_string(line_number) + ": not a 40-character Z85 public key");
    }
    keys.push_back(line);
  }
  return keys;
}

}  // namespace skymesh::bus
