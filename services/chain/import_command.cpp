#include "import_command.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "chain_store.hpp"
#include "importer.hpp"
#include "lmdb_env.hpp"
#include "options.hpp"

namespace skymesh::chain {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

}  // namespace

int run_import(const cipher::Secp256k1& ctx, const bus::ServerletOptions& options) {
  auto dir = store_dir(options);
  if (!dir.ok()) return fail(dir.status().message());
  auto network = network_of(ctx, options);
  if (!network.ok()) return fail(network.status().message());
  const std::string path = flag(options, "import");
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail("cannot read " + path);
  const std::string json((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto blocks = read_api_blocks(json);
  if (!blocks.ok()) return fail(blocks.status().message());
  try {
    auto store = ChainStore::open(dir.value());
    auto report = import_blocks(ctx, *store, network.value(), blocks.value(), [](uint64_t seq) {
      if (seq % 100 == 0) {
        std::printf("progress %llu\n", static_cast<unsigned long long>(seq));
        std::fflush(stdout);
      }
    });
    if (!report.ok()) return fail(report.status().message());
    if (!store->head()) return fail("the file holds no blocks");
    std::printf("imported %llu skipped %llu\nhead %llu %s\n", static_cast<unsigned long long>(report->imported),
                static_cast<unsigned long long>(report->skipped), static_cast<unsigned long long>(store->head()->seq),
                coin::block_hash(*store->head()).hex().c_str());
    return 0;
  } catch (const StoreError& e) {
    return fail(e.what());
  }
}

}  // namespace skymesh::chain
