#include "log_rotation.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace skymesh::launcher {

std::filesystem::path rotated_log(const std::filesystem::path& log, int n) {
  return log.string() + "." + std::to_string(n);
}

bus::Status rotate_if_larger(const std::filesystem::path& log, uintmax_t max_bytes, int keep, bool& rotated) {
  rotated = false;
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(log, error);
  if (error || size <= max_bytes) return bus::Status();
  if (keep < 1) keep = 1;
  std::filesystem::remove(rotated_log(log, keep), error);
  for (int n = keep - 1; n >= 1; --n) {
    if (std::filesystem::exists(rotated_log(log, n), error)) {
      std::filesystem::rename(rotated_log(log, n), rotated_log(log, n + 1), error);
      if (error) return bus::Status(bus::ErrorCode::storage, "cannot rename " + rotated_log(log, n).string());
    }
  }
  std::filesystem::copy_file(log, rotated_log(log, 1), std::filesystem::copy_options::overwrite_existing, error);
  if (error) return bus::Status(bus::ErrorCode::storage, "cannot copy " + log.string() + ": " + error.message());
  if (::truncate(log.c_str(), 0) != 0) {
    return bus::Status(bus::ErrorCode::storage, "cannot truncate " + log.string() + ": " + std::strerror(errno));
  }
  rotated = true;
  return bus::Status();
}

}  // namespace skymesh::launcher
