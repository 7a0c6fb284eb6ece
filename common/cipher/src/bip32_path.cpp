// BIP32 path text, e.g. "m/44'/0'/0'/0/7".
#include <charconv>

#include "skymesh/cipher/bip32.hpp"

namespace skymesh::cipher {

Outcome<std::vector<uint32_t>> parse_bip32_path(std::string_view path) {
  if (path.empty() || path.front() != 'm') return Fault{CipherError::invalid_path, "path must start with \"m\""};
  std::vector<uint32_t> out;
  std::string_view rest = path.substr(1);
  while (!rest.empty()) {
    if (rest.front() != '/') return Fault{CipherError::invalid_path, "expected '/' in " + std::string(path)};
    rest.remove_prefix(1);
    std::size_t end = rest.find('/');
    std::string_view node = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);

    bool hardened = !node.empty() && (node.back() == '\'' || node.back() == 'h' || node.back() == 'H');
    if (hardened) node.remove_suffix(1);
    uint32_t index = 0;
    auto [ptr, ec] = std::from_chars(node.data(), node.data() + node.size(), index);
    if (node.empty() || ec != std::errc() || ptr != node.data() + node.size()) {
      return Fault{CipherError::invalid_path, "bad path element in " + std::string(path)};
    }
    if (index >= k_first_hardened_child) {
      return Fault{CipherError::invalid_path, "path index must be below 2^31 (mark hardened ones with ')"};
    }
    out.push_back(hardened ? index | k_first_hardened_child : index);
  }
  return out;
}

}  // namespace skymesh::cipher
