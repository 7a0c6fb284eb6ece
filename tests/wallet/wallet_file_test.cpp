// Wallet files on disk: round trip, mode 0600, clear errors for missing and broken files, and an atomic write
// that survives its writer being killed between writing the new bytes and the rename.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skymesh/cipher/cipher.hpp"
#include "skymesh/wallet/wallet_file.hpp"
#include "wallet_test_support.hpp"

using namespace skymesh::wallet;
using namespace skymesh::cipher;
using skymesh::wallet::test::read_text;
using skymesh::wallet::test::TempDir;
using skymesh::wallet::test::write_text;

namespace {

Wallet make_wallet(const Secp256k1& ctx, std::size_t n) {
  NewWalletOptions o;
  o.filename = "w.wlt";
  o.label = "file test";
  auto w = Wallet::create_deterministic(ctx, "file test seed", o, n);
  REQUIRE(w.ok());
  return std::move(w).value();
}

mode_t file_mode(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("a saved wallet loads back and its file has mode 0600") {
  Secp256k1 ctx;
  TempDir dir;
  const auto path = dir.path() / "w.wlt";
  Wallet w = make_wallet(ctx, 2);
  ::umask(022);
  REQUIRE(save_wallet(path, w).ok());
  CHECK(file_mode(path) == 0600);
  auto back = load_wallet(ctx, path);
  REQUIRE(back.ok());
  CHECK(back->addresses() == w.addresses());

  // Replacing an existing file with wider permissions leaves 0600, and no temporary file behind.
  ::chmod(path.c_str(), 0644);
  REQUIRE(save_wallet(path, w).ok());
  CHECK(file_mode(path) == 0600);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("missing, empty and truncated files give clear errors") {
  Secp256k1 ctx;
  TempDir dir;
  auto missing = load_wallet(ctx, dir.path() / "absent.wlt");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == WalletError::io_error);
  CHECK_THAT(missing.message(), Catch::Contains("absent.wlt"));

  write_text(dir.path() / "empty.wlt", "");
  CHECK(load_wallet(ctx, dir.path() / "empty.wlt").error() == WalletError::malformed_json);

  const std::string full = make_wallet(ctx, 1).serialize();
  write_text(dir.path() / "cut.wlt", full.substr(0, full.size() / 2));
  auto cut = load_wallet(ctx, dir.path() / "cut.wlt");
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error() == WalletError::malformed_json);
  CHECK_THAT(cut.message(), Catch::Contains("cut.wlt"));

  CHECK(save_wallet(dir.path() / "no-such-folder" / "w.wlt", make_wallet(ctx, 0)).error() == WalletError::io_error);
}

TEST_CASE("a writer killed between write and rename leaves the old file whole") {
  Secp256k1 ctx;
  TempDir dir;
  const auto path = dir.path() / "w.wlt";
  Wallet old_wallet = make_wallet(ctx, 1);
  REQUIRE(save_wallet(path, old_wallet).ok());
  const std::string old_bytes = read_text(path);

  Wallet new_wallet = make_wallet(ctx, 50);
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The writer: its hook tells the parent the new bytes are on disk, then waits to be killed.
    ::close(ready[0]);
    WriteHooks hooks;
    hooks.before_rename = [&](const std::filesystem::path&) {
      const char byte = 'w';
      if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
      while (true) ::pause();
    };
    (void)save_wallet(path, new_wallet, hooks);
    ::_exit(2);  // reached only if the hook did not run
  }
  ::close(ready[1]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));

  // The old file is intact and loads; the half-finished temporary is a separate file beside it.
  CHECK(read_text(path) == old_bytes);
  auto loaded = load_wallet(ctx, path);
  REQUIRE(loaded.ok());
  CHECK(loaded->addresses() == old_wallet.addresses());
  std::size_t leftovers = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path() != path) ++leftovers;
  }
  CHECK(leftovers == 1);

  // The next save replaces the file normally.
  REQUIRE(save_wallet(path, new_wallet).ok());
  auto replaced = load_wallet(ctx, path);
  REQUIRE(replaced.ok());
  CHECK(replaced->entries().size() == 50);
}
