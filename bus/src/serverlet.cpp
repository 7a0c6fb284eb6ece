#include "skymesh/bus/serverlet.hpp"

#include "skymesh/bus/args.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <poll.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

namespace skymesh::bus {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : fallback;
}

}  // namespace

std::string serverlet_help(const ServerletSpec& spec) {
  std::ostringstream out;
  out << "skymesh-" << spec.name << ": " << spec.summary << "\n\n"
      << "Usage: skymesh-" << spec.name << " [options]\n\n"
      << "  --listen ENDPOINT  where to serve (repeatable): tcp://HOST:PORT, ipc://PATH, inproc://NAME\n"
      << "                     [env SKYMESH_LISTEN, comma-separated; default tcp://127.0.0.1:0]\n"
      << "  --data DIR         where this serverlet keeps its state [env SKYMESH_DATA]\n"
      << "  --key FILE         CurveZMQ key pair (public/secret lines) [env SKYMESH_KEY]\n"
      << "  --allow FILE       client public keys admitted, one per line [env SKYMESH_ALLOW]\n"
      << "  --insecure         allow a non-loopback tcp listen without keys [env SKYMESH_INSECURE=1]\n"
      << "  --log-level LEVEL  debug, info, warn or error [env SKYMESH_LOG_LEVEL]\n"
      << "  --help             this text\n";
  for (const auto& [name, help] : spec.flags) out << "  --" << name << " VALUE  " << help << "\n";
  return out.str();
}

bool parse_serverlet_args(int argc, char** argv, const ServerletSpec& spec, ServerletOptions& options,
                          std::string& error, bool& help) {
  help = false;
  std::stringstream listen_env(env_or("SKYMESH_LISTEN", ""));
  for (std::string part; std::getline(listen_env, part, ',');) {
    if (!part.empty()) options.listen.push_back(part);
  }
  options.data_dir = env_or("SKYMESH_DATA", options.data_dir);
  options.key_file = env_or("SKYMESH_KEY", options.key_file);
  options.allow_file = env_or("SKYMESH_ALLOW", options.allow_file);
  options.insecure = env_or("SKYMESH_INSECURE", "") == "1";
  options.log_level = env_or("SKYMESH_LOG_LEVEL", options.log_level);
  bool listen_from_flags = false;
  ArgReader args(argc, argv);
  while (args.next()) {
    const std::string& arg = args.current();
    bool ok = true;
    if (arg == "--help" || arg == "-h") {
      help = true;
      return true;
    } else if (arg == "--listen") {
      if (!listen_from_flags) options.listen.clear();
      listen_from_flags = true;
      std::string endpoint;
      ok = args.value(endpoint);
      if (ok) options.listen.push_back(endpoint);
    } else if (arg == "--data") {
      ok = args.value(options.data_dir);
    } else if (arg == "--key") {
      ok = args.value(options.key_file);
    } else if (arg == "--allow") {
      ok = args.value(options.allow_file);
    } else if (arg == "--log-level") {
      ok = args.value(options.log_level);
    } else if (arg == "--insecure") {
      options.insecure = true;
    } else if (arg.rfind("--", 0) == 0 && spec.flags.count(arg.substr(2))) {
      ok = args.value(options.values[arg.substr(2)]);
    } else {
      args.fail("unknown option " + arg + " (see --help)");
      ok = false;
    }
    if (!ok) {
      error = args.error();
      return false;
    }
  }
  if (options.listen.empty()) options.listen.push_back("tcp://127.0.0.1:0");
  return true;
}

Status load_security(const ServerletOptions& options, Security& security) {
  security.insecure = options.insecure;
  if (!options.key_file.empty()) {
    auto keys = load_key_file(options.key_file);
    if (!keys.ok()) return keys.status();
    if (keys->secret_key.empty()) return Status(ErrorCode::bad_request, options.key_file + " has no secret key");
    security.keys = keys.value();
  }
  if (!options.allow_file.empty()) {
    if (!security.keys) return Status(ErrorCode::bad_request, "--allow needs --key");
    auto allowed = load_allow_file(options.allow_file);
    if (!allowed.ok()) return allowed.status();
    security.allowed_clients = allowed.value();
  }
  return Status();
}

int run_serverlet(int argc, char** argv, const ServerletSpec& spec, const ServerletSetup& setup) {
  ServerletOptions options;
  std::string error;
  bool help = false;
  if (!parse_serverlet_args(argc, argv, spec, options, error, help)) {
    std::fprintf(stderr, "skymesh-%s: %s\n", spec.name.c_str(), error.c_str());
    return 2;
  }
  if (help) {
    std::cout << serverlet_help(spec);
    return 0;
  }
  NodeOptions node_options;
  node_options.name = spec.name;
  node_options.log_level = log_level_from_name(options.log_level);
  if (Status status = load_security(options, node_options.security); !status.ok()) {
    std::fprintf(stderr, "skymesh-%s: %s\n", spec.name.c_str(), status.to_string().c_str());
    return 2;
  }
  // SIGINT and SIGTERM arrive through a signalfd the reactor polls like a socket.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  zmq::context_t context;
  Reactor reactor(context);
  Node node(reactor, node_options);
  if (Status status = setup(node, options); !status.ok()) {
    node.logger().error("setup_failed", {{"error", status.to_string()}});
    return 1;
  }
  for (const auto& endpoint : options.listen) {
    if (Status status = node.listen(endpoint); !status.ok()) {
      node.logger().error("listen_failed", {{"error", status.to_string()}});
      return 1;
    }
  }
  const int signal_fd = ::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  std::thread watcher([&reactor, signal_fd]() {
    pollfd item{signal_fd, POLLIN, 0};
    while (::poll(&item, 1, -1) < 0) {
    }
    reactor.stop();
  });
  for (const auto& endpoint : node.endpoints()) std::printf("listening %s\n", endpoint.c_str());
  std::fflush(stdout);
  reactor.run();
  node.logger().info("stopped");
  watcher.join();
  ::close(signal_fd);
  return 0;
}

}  // namespace skymesh::bus
