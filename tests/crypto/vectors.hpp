// Access to Skycoin's test vectors for the crypto tests. They live outside the repo and are read at run time
// from the folder the environment variable SKYMESH_VECTORS_DIR names, else the one CMake compiled in (by
// default ../shared/vectors/skycoin). Where the folder is absent a test warns and returns, so it still passes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <vector>

#include "json_reader.hpp"
#include "skymesh/cipher/bytes.hpp"
#include "skymesh/cipher/hash.hpp"

namespace skymesh::test {

// The configured vectors folder, whether or not it exists.
std::filesystem::path configured_vectors_dir();
// The vectors folder, or nullopt when it does not exist.
std::optional<std::filesystem::path> vectors_dir();
// Parses a JSON vector file; throws when it is unreadable or malformed.
Json load_json(const std::filesystem::path& file);
// The ten digests of input-hashes.golden, which every signature in the seed files signed.
std::vector<cipher::Sha256> load_input_hashes(const std::filesystem::path& dir);
// Standard base64 (with padding), as Go's base64.StdEncoding; throws on bad input.
cipher::Bytes base64_decode(std::string_view text);

}  // namespace skymesh::test

// Binds `var` to the vectors folder, or warns and leaves the test (passing) when it is absent.
#define SKYMESH_REQUIRE_VECTORS(var)                                                              \
  const auto var##_opt = ::skymesh::test::vectors_dir();                                          \
  if (!var##_opt) {                                                                               \
    WARN("Skycoin vectors not found at " << ::skymesh::test::configured_vectors_dir().string()    \
                                         << " (set SKYMESH_VECTORS_DIR); vector checks skipped"); \
    return;                                                                                       \
  }                                                                                               \
  const std::filesystem::path& var = *var##_opt
