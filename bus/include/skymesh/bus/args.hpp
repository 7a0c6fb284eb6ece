// Command-line reading shared by serverlets (serverlet.hpp) and tools such as meshctl: walk argv one argument
// at a time, take a flag's value or number, and leave a clear message when one is missing or malformed.
#pragma once

#include <cstdint>
#include <string>

namespace skymesh::bus {

class ArgReader {
 public:
  ArgReader(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // Moves to the next argument; false when there is none left.
  bool next() {
    if (index_ + 1 >= argc_) return false;
    current_ = argv_[++index_];
    return true;
  }
  const std::string& current() const { return current_; }

  // The current flag's value (the next argument); false and error() set when it is missing.
  bool value(std::string& out);
  // The current flag's value as an unsigned decimal number.
  bool number(uint64_t& out);
  bool number(int& out);

  const std::string& error() const { return error_; }
  void fail(std::string message) { error_ = std::move(message); }

 private:
  int argc_;
  char** argv_;
  int index_ = 0;
  std::string current_;
  std::string error_;
};

}  // namespace skymesh::bus
