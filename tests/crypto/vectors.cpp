// Locating and reading the vector files.
#include "vectors.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <sodium.h>

namespace skymesh::test {

std::filesystem::path configured_vectors_dir() {
  const char* from_env = std::getenv("SKYMESH_VECTORS_DIR");
  return std::filesystem::path(from_env != nullptr && *from_env != '\0' ? from_env : SKYMESH_VECTORS_DIR);
}

std::optional<std::filesystem::path> vectors_dir() {
  std::filesystem::path dir = configured_vectors_dir();
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  return dir;
}

Json load_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

std::vector<cipher::Sha256> load_input_hashes(const std::filesystem::path& dir) {
  // Kept in a variable: a temporary in the range expression would die before the loop body.
  const Json doc = load_json(dir / "input-hashes.golden");
  std::vector<cipher::Sha256> out;
  for (const Json& h : doc["hashes"].as_array()) out.push_back(cipher::Sha256::from_hex(h.as_string()));
  return out;
}

cipher::Bytes base64_decode(std::string_view text) {
  cipher::Bytes out(text.size());
  std::size_t size = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    throw std::runtime_error("bad base64: " + std::string(text));
  }
  out.resize(size);
  return out;
}

}  // namespace skymesh::test
