// Runs build/bin/<program> as a child process, for tests that need separate processes: a serverlet (the
// endpoints it prints as `listening ENDPOINT` are read before the constructor returns) or a command whose output
// a test reads line by line (an import's progress). The child is killed (SIGKILL) when the object dies.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace skymesh::test {

class ChildProcess {
 public:
  // What the pipe carries: the child's stdout, or stdout and stderr together.
  enum class Output { stdout_only, merged };

  // Starts build/bin/<program> with args; reads lines until `endpoints` `listening` lines have come (or the
  // output ends).
  ChildProcess(const std::string& program, std::vector<std::string> args, size_t endpoints = 1,
               Output output = Output::stdout_only) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      if (output == Output::merged) ::dup2(out[1], STDERR_FILENO);
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
    while (endpoints_.size() < endpoints) {
      auto text = line();
      if (!text) break;
      if (text->rfind("listening ", 0) == 0) endpoints_.push_back(text->substr(10));
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

  // The next line of output without its newline; nullopt at the end of the output.
  std::optional<std::string> line() {
    char buffer[4096];
    if (!output_ || !std::fgets(buffer, sizeof buffer, output_)) return std::nullopt;
    std::string text(buffer);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    all_ += text + "\n";
    return text;
  }
  // Every line read so far.
  const std::string& output() const { return all_; }

  // Sends `signal` and reaps the child; returns its exit status as waitpid reports it (-1: already reaped).
  int kill(int signal) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  // Reads the rest of the output, waits for the child to exit by itself, and returns its exit code (-1 when a
  // signal ended it).
  int finish() {
    while (line()) {
    }
    if (pid_ <= 0) return -1;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* output_ = nullptr;
  std::vector<std::string> endpoints_;
  std::string all_;
};

// A command rather than a serverlet: stdout and stderr together on the pipe, no endpoints awaited.
class Command : public ChildProcess {
 public:
  Command(const std::string& program, std::vector<std::string> args)
      : ChildProcess(program, std::move(args), 0, Output::merged) {}
};

}  // namespace skymesh::test
