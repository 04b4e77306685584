// floodgate-demo-backend: the HTTP backend of the demo stack and the benchmark
// (the same backend_server the tests use: /echo, /status/<code>, /slow, /bytes, ...).
//
//   floodgate-demo-backend [--listen 127.0.0.1:9001] [--name demo] [--threads 1]

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "backend_server.hpp"

namespace {

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9001;
  std::string name = "demo";
  unsigned threads = 1;
};

[[noreturn]] void usage(const char* message) {
  std::fprintf(stderr,
               "floodgate-demo-backend: %s\n"
               "usage: floodgate-demo-backend [--listen HOST:PORT] [--name NAME] [--threads N]\n",
               message);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage("missing value");
    const std::string value = argv[++i];
    if (arg == "--listen") {
      const auto colon = value.rfind(':');
      if (colon == std::string::npos) usage("--listen expects HOST:PORT");
      o.host = value.substr(0, colon);
      if (o.host.size() > 2 && o.host.front() == '[') o.host = o.host.substr(1, o.host.size() - 2);
      const long port = std::strtol(value.c_str() + colon + 1, nullptr, 10);
      if (port <= 0 || port > 65535) usage("bad port");
      o.port = static_cast<std::uint16_t>(port);
    } else if (arg == "--name") {
      o.name = value;
    } else if (arg == "--threads") {
      o.threads = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    } else {
      usage("unknown option");
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  // Block the stop signals in every thread, then wait for one here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    floodgate::test::backend_server backend(o.name, o.port, o.host, o.threads);
    std::printf("floodgate-demo-backend listening on %s:%u\n", o.host.c_str(),
                static_cast<unsigned>(backend.port()));
    std::fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    backend.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "floodgate-demo-backend: %s\n", e.what());
    return 1;
  }
  return 0;
}
