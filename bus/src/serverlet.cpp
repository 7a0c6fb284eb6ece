#include "skymesh/bus/serverlet.hpp"

#include "serverlet_config.hpp"
#include "skymesh/bus/args.hpp"
#include "skymesh/bus/registration.hpp"

#include <signal.h>
#include <sys/eventfd.h>
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

void split_list(const std::string& text, std::vector<std::string>& out) {
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
}

// Leaves the registry (if any), then stops the reactor. Runs as a fiber; a second call does nothing.
void shut_down(Reactor& reactor, Registration* registration) {
  if (reactor.stopping()) return;
  if (registration) registration->leave();
  reactor.stop();
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
      << "  --registry ENDPOINT   the admin serverlet to register with and heartbeat [env SKYMESH_REGISTRY]\n"
      << "  --registry-key KEY    the admin's CurveZMQ public key, Z85 or a key file [env SKYMESH_REGISTRY_KEY]\n"
      << "  --advertise ENDPOINT  endpoint announced to the registry (repeatable; default: the bound ones, a\n"
      << "                        wildcard host replaced by this host's address) [env SKYMESH_ADVERTISE]\n"
      << "  --spin-us N        poll up to N microseconds before sleeping while input comes at short intervals\n"
      << "                     (0: always sleep at once; default " << ReactorOptions{}.spin.count()
      << ") [env SKYMESH_SPIN_US]\n"
      << "  --config FILE      settings as TOML `name = value` lines, names as the flags without their dashes;\n"
      << "                     the environment overrides it, flags override both [env SKYMESH_CONFIG]\n"
      << "  --help             this text\n";
  for (const auto& [name, help] : spec.flags) {
    out << "  --" << name << " VALUE  " << help << " [env " << flag_env_name(name) << "]\n";
  }
  return out.str();
}

bool parse_serverlet_args(int argc, char** argv, const ServerletSpec& spec, ServerletOptions& options,
                          std::string& error, bool& help) {
  help = false;
  // 1. The config file (--config FILE, or SKYMESH_CONFIG), then 2. the environment, then 3. the other flags.
  std::string config = env_or("SKYMESH_CONFIG", "");
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--config") config = argv[i + 1];
  }
  if (!config.empty()) {
    if (Status status = apply_config_file(config, spec, options); !status.ok()) {
      error = status.message();
      return false;
    }
  }
  if (const char* listen = std::getenv("SKYMESH_LISTEN"); listen && *listen) {
    options.listen.clear();
    split_list(listen, options.listen);
  }
  if (const char* advertise = std::getenv("SKYMESH_ADVERTISE"); advertise && *advertise) {
    options.advertise.clear();
    split_list(advertise, options.advertise);
  }
  for (const auto& [flag, help_text] : spec.flags) {
    if (const char* value = std::getenv(flag_env_name(flag).c_str()); value && *value) options.values[flag] = value;
  }
  options.registry = env_or("SKYMESH_REGISTRY", options.registry);
  options.registry_key = env_or("SKYMESH_REGISTRY_KEY", options.registry_key);
  options.data_dir = env_or("SKYMESH_DATA", options.data_dir);
  options.key_file = env_or("SKYMESH_KEY", options.key_file);
  options.allow_file = env_or("SKYMESH_ALLOW", options.allow_file);
  if (const char* insecure = std::getenv("SKYMESH_INSECURE"); insecure && *insecure) {
    options.insecure = std::string(insecure) == "1" || std::string(insecure) == "true";
  }
  options.log_level = env_or("SKYMESH_LOG_LEVEL", options.log_level);
  if (const char* spin = std::getenv("SKYMESH_SPIN_US"); spin && *spin) {
    if (Status status = parse_spin_us(spin, options.spin_us); !status.ok()) {
      error = "SKYMESH_SPIN_US: " + status.message();
      return false;
    }
  }
  bool listen_from_flags = false;
  bool advertise_from_flags = false;
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
    } else if (arg == "--advertise") {
      if (!advertise_from_flags) options.advertise.clear();
      advertise_from_flags = true;
      std::string endpoint;
      ok = args.value(endpoint);
      if (ok) options.advertise.push_back(endpoint);
    } else if (arg == "--config") {
      std::string ignored;  // read before the environment, above
      ok = args.value(ignored);
    } else if (arg == "--registry") {
      ok = args.value(options.registry);
    } else if (arg == "--registry-key") {
      ok = args.value(options.registry_key);
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
    } else if (arg == "--spin-us") {
      std::string value;
      ok = args.value(value);
      if (ok) {
        if (Status status = parse_spin_us(value, options.spin_us); !status.ok()) {
          args.fail("--spin-us: " + status.message());
          ok = false;
        }
      }
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
  // SIGINT and SIGTERM are blocked here and read by a watcher thread (below).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  zmq::context_t context;
  ReactorOptions reactor_options;
  if (options.spin_us >= 0) reactor_options.spin = std::chrono::microseconds(options.spin_us);
  Reactor reactor(context, reactor_options);
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
  std::unique_ptr<Registration> registration;
  if (!options.registry.empty()) {
    RegistrationOptions registration_options;
    registration_options.registry = options.registry;
    registration_options.advertise = options.advertise;
    registration_options.heartbeat = node_options.heartbeat_interval;
    if (!options.registry_key.empty()) {
      if (valid_z85_key(options.registry_key)) {
        registration_options.registry_public_key = options.registry_key;
      } else {
        auto keys = load_key_file(options.registry_key);
        if (!keys.ok()) {
          node.logger().error("registry_key", {{"error", keys.status().to_string()}});
          return 2;
        }
        registration_options.registry_public_key = keys->public_key;
      }
    }
    registration = std::make_unique<Registration>(node, registration_options, [&](proto::Command command) {
      if (command == proto::Command::STOP) {
        node.logger().info("stop_requested", {{"by", "registry"}});
        reactor.spawn([&] { shut_down(reactor, registration.get()); });
      } else if (command == proto::Command::DRAIN) {
        node.logger().info("drain_requested", {{"by", "registry"}});
        registration->set_draining();
        // Callers that resolve through the registry stop choosing us within a lease; then leave.
        reactor.spawn([&, wait = node_options.heartbeat_interval * (node_options.heartbeats_until_dead + 1)] {
          boost::this_fiber::sleep_for(wait);
          shut_down(reactor, registration.get());
        });
      }
    });
    node.on_peer_state([&registration](const std::string& endpoint, bool alive) {
      registration->report(alive ? "info" : "warn", alive ? "peer_alive" : "peer_dead", endpoint);
    });
    registration->start();
  }
  // SIGINT and SIGTERM arrive through a signalfd a watcher thread polls; it asks the reactor to shut down
  // cleanly (deregister, then stop). An eventfd releases the watcher when the reactor stops for another reason.
  const int signal_fd = ::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  const int done_fd = ::eventfd(0, EFD_CLOEXEC);
  std::thread watcher([&reactor, &registration, signal_fd, done_fd]() {
    pollfd items[2] = {{signal_fd, POLLIN, 0}, {done_fd, POLLIN, 0}};
    while (::poll(items, 2, -1) < 0) {
    }
    if (items[0].revents & POLLIN) reactor.post([&reactor, &registration] { shut_down(reactor, registration.get()); });
  });
  for (const auto& endpoint : node.endpoints()) std::printf("listening %s\n", endpoint.c_str());
  std::fflush(stdout);
  reactor.run();
  node.logger().info("stopped");
  const uint64_t one = 1;
  if (::write(done_fd, &one, sizeof(one)) < 0) node.logger().warn("eventfd_write_failed");
  watcher.join();
  ::close(signal_fd);
  ::close(done_fd);
  return 0;
}

}  // namespace skymesh::bus
