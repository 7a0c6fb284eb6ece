#include <cstdio>
#include <iostream>

#include "meshctl.hpp"

int main(int argc, char** argv) {
  skymesh::meshctl::Options options;
  std::string error;
  bool help = false;
  if (!skymesh::meshctl::parse_args(argc, argv, options, error, help)) {
    std::fprintf(stderr, "meshctl: %s (see meshctl --help)\n", error.c_str());
    return 2;
  }
  if (help) {
    std::cout << skymesh::meshctl::help_text();
    return 0;
  }
  return skymesh::meshctl::run(options);
}
