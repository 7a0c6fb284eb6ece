#include "skymesh/bus/args.hpp"

#include <cstdlib>
#include <limits>

namespace skymesh::bus {

bool ArgReader::value(std::string& out) {
  if (index_ + 1 >= argc_) {
    error_ = current_ + " needs a value";
    return false;
  }
  out = argv_[++index_];
  return true;
}

bool ArgReader::number(uint64_t& out) {
  const std::string flag = current_;
  std::string text;
  if (!value(text)) return false;
  char* end = nullptr;
  const unsigned long long parsed = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || text[0] == '-' || *end != '\0') {
    error_ = flag + " needs a number, not '" + text + "'";
    return false;
  }
  out = parsed;
  return true;
}

bool ArgReader::number(int& out) {
  const std::string flag = current_;
  uint64_t wide = 0;
  if (!number(wide)) return false;
  if (wide > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    error_ = flag + " is too large";
    return false;
  }
  out = static_cast<int>(wide);
  return true;
}

}  // namespace skymesh::bus
