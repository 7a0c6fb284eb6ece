#include "daemon.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "skymesh/bus/log.hpp"
#include "supervisor.hpp"

namespace skymesh::launcher {
namespace {

void write_all(int fd, const std::string& text) {
  [[maybe_unused]] ssize_t written = ::write(fd, text.data(), text.size());
}

// Runs in the daemon process; never returns.
[[noreturn]] void become_supervisor(const VarLayout& var, const MeshConfig& config,
                                    const std::filesystem::path& bin_dir, int ready_fd) {
  const int log_fd = ::open(var.supervisor_log().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    write_all(ready_fd, "error: cannot open " + var.supervisor_log().string() + "\n");
    ::_exit(1);
  }
  ::dup2(null_fd, STDIN_FILENO);
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  const int pid_fd = ::open(var.pid_file().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (pid_fd < 0 || ::flock(pid_fd, LOCK_EX | LOCK_NB) != 0) {
    write_all(ready_fd, pid_fd < 0 ? "error: cannot open " + var.pid_file().string() + "\n" : "already running\n");
    ::_exit(pid_fd < 0 ? 1 : 0);
  }
  const std::string pid_text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(pid_fd, 0) != 0 || ::pwrite(pid_fd, pid_text.data(), pid_text.size(), 0) < 0) {
    write_all(ready_fd, "error: cannot write " + var.pid_file().string() + "\n");
    ::_exit(1);
  }
  int code = 1;
  {
    const bus::Logger logger("skymesh");
    Supervisor supervisor(var, config, bin_dir, ready_fd, logger);
    code = supervisor.run();
  }
  // Unlinked while the lock is held: a new supervisor can only start once this one is gone.
  ::unlink(var.pid_file().c_str());
  ::close(pid_fd);
  ::_exit(code);
}

}  // namespace

pid_t running_supervisor(const VarLayout& var) {
  const int fd = ::open(var.pid_file().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  pid_t pid = 0;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
    char text[32] = {};
    if (::pread(fd, text, sizeof text - 1, 0) > 0) pid = static_cast<pid_t>(std::atol(text));
    if (pid <= 0) pid = -1;  // locked but the pid is not written yet: running all the same
  }
  ::close(fd);
  return pid;
}

bus::Result<int> start_daemon(const VarLayout& var, const MeshConfig& config, const std::filesystem::path& bin_dir) {
  std::error_code error;
  for (const auto& dir : {var.root(), var.run_dir(), var.log_dir()}) {
    std::filesystem::create_directories(dir, error);
    if (error) return bus::Status(bus::ErrorCode::storage, "cannot create " + dir.string() + ": " + error.message());
  }
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) {
    return bus::Status(bus::ErrorCode::internal, std::string("pipe failed: ") + strerror(errno));
  }
  const pid_t first = ::fork();
  if (first < 0) return bus::Status(bus::ErrorCode::internal, std::string("fork failed: ") + strerror(errno));
  if (first == 0) {
    ::close(ready[0]);
    ::setsid();
    const pid_t second = ::fork();
    if (second != 0) ::_exit(second < 0 ? 1 : 0);
    ::umask(022);
    become_supervisor(var, config, bin_dir, ready[1]);
  }
  ::close(ready[1]);
  int status = 0;
  ::waitpid(first, &status, 0);
  return ready[0];
}

}  // namespace skymesh::launcher
