// Runs build/bin/<program> as a child process with its stdout and stderr on one pipe, for tests that read what a
// command prints line by line (an import's progress) and may kill it in the middle. SIGKILLed when it dies.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace skymesh::test {

class Spawned {
 public:
  Spawned(const std::string& program, std::vector<std::string> args) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      std::string path = std::string(SKYMESH_BIN_DIR) + "/" + program;
      std::vector<char*> argv{path.data()};
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(path.c_str(), argv.data());
      std::perror("execv");
      ::_exit(127);
    }
    ::close(out[1]);
    output_ = ::fdopen(out[0], "r");
  }
  ~Spawned() {
    kill9();
    if (output_) std::fclose(output_);
  }
  Spawned(const Spawned&) = delete;
  Spawned& operator=(const Spawned&) = delete;

  // The next line without its newline; nullopt at the end of the output.
  std::optional<std::string> line() {
    char buffer[4096];
    if (!output_ || !std::fgets(buffer, sizeof buffer, output_)) return std::nullopt;
    std::string text(buffer);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    all_ += text + "\n";
    return text;
  }
  // Reads the rest of the output, waits, and returns the exit code (-1 when killed by a signal).
  int finish() {
    while (line()) {
    }
    if (pid_ <= 0) return -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Every line read so far.
  const std::string& output() const { return all_; }

 private:
  pid_t pid_ = -1;
  FILE* output_ = nullptr;
  std::string all_;
};

}  // namespace skymesh::test
