#include "skymesh/wallet/wallet_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <sodium.h>

namespace skymesh::wallet {

namespace {

WalletFault io_error(const std::string& what, const std::filesystem::path& path, int err) {
  return WalletFault{WalletError::io_error, what + " " + path.string() + ": " + std::strerror(err)};
}

// Closes a descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now; returns close()'s errno, 0 on success.
  int close_now() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view bytes, const WriteHooks& hooks) {
  if (path.filename().empty()) return WalletFault{WalletError::invalid_argument, "no file name in " + path.string()};
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string temp = (dir / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  Fd fd(::mkstemp(temp.data()));  // mkstemp creates the file with mode 0600
  if (fd.get() < 0) return io_error("cannot create a temporary file in", dir, errno);
  const std::filesystem::path temp_path(temp);
  auto fail = [&](const std::string& what, int err) -> WalletFault {
    ::unlink(temp.c_str());
    return io_error(what, temp_path, err);
  };
  if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) return fail("cannot chmod", errno);
  if (!write_all(fd.get(), bytes)) return fail("cannot write", errno);
  if (::fsync(fd.get()) != 0) return fail("cannot fsync", errno);
  if (const int err = fd.close_now(); err != 0) return fail("cannot close", err);
  if (hooks.before_rename) hooks.before_rename(temp_path);
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot rename over " + path.string() + " from", errno);

  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) return io_error("cannot open folder", dir, errno);
  if (::fsync(dir_fd.get()) != 0) return io_error("cannot fsync folder", dir, errno);
  return {};
}

Result<std::string> read_file(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("cannot open", path, errno);
  std::string out;
  char buffer[16384];
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", path, errno);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > k_max_wallet_file_bytes) {
      return WalletFault{WalletError::malformed_json,
                         path.string() + " is larger than " + std::to_string(k_max_wallet_file_bytes) + " bytes"};
    }
  }
  return out;
}

Result<Wallet> load_wallet(const cipher::Secp256k1& ctx, const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.fault();
  auto wallet = Wallet::parse(ctx, text.value());
  sodium_memzero(text->data(), text->size());
  if (!wallet) return WalletFault{wallet.error(), path.filename().string() + ": " + wallet.message()};
  return wallet;
}

Result<void> save_wallet(const std::filesystem::path& path, const Wallet& wallet, const WriteHooks& hooks) {
  std::string text = wallet.serialize();
  auto written = write_file_atomic(path, text, hooks);
  sodium_memzero(text.data(), text.size());
  return written;
}

}  // namespace skymesh::wallet
