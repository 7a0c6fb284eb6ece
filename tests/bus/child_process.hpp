// Runs a serverlet executable as a child process for tests that need separate processes, and reads the
// endpoints it prints (`listening ENDPOINT`). The child is killed (SIGKILL) when the object dies.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace skymesh::test {

class ChildProcess {
 public:
  // Starts build/bin/<program> with args; waits for `listening` lines (up to `endpoints` of them).
  ChildProcess(const std::string& program, std::vector<std::string> args, size_t endpoints = 1) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
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
    char line[512];
    while (endpoints_.size() < endpoints && output_ && std::fgets(line, sizeof line, output_)) {
      std::string text(line);
      if (text.rfind("listening ", 0) == 0) endpoints_.push_back(text.substr(10, text.find_last_not_of("\r\n") - 9));
    }
  }
  ~ChildProcess() {
    kill(SIGKILL);
    if (output_) std::fclose(output_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  const std::vector<std::string>& endpoints() const { return endpoints_; }
  pid_t pid() const { return pid_; }
  std::string endpoint() const { return endpoints_.empty() ? std::string() : endpoints_.front(); }
  // Sends `signal` and reaps the child; returns its exit status as waitpid reports it.
  int kill(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  // Waits for the child to exit by itself (for tests of refusals); its exit code.
  int wait_exit() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* output_ = nullptr;
  std::vector<std::string> endpoints_;
};

}  // namespace skymesh::test
