// Inserts 1 million distinct keys (one token_bucket limit each) into a
// memory_store and prints the process's resident memory, for issue 2's target
// "1 million distinct limited keys under 200 MB resident".
//
//   cmake --build build --target memory_store_footprint && build/bin/memory_store_footprint [keys]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <floodgate/limit/memory_store.hpp>

namespace {

// VmRSS / VmHWM lines of /proc/self/status, in kB.
long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0)
      return std::strtol(line.c_str() + field.size() + 1, nullptr, 10);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  namespace limit = floodgate::limit;
  const long keys = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 1'000'000;
  const long rss_before_kb = status_kb("VmRSS");

  // A clock that stands still: every key stays in its window, so all of them are
  // held at once (with a real clock the idle sweep would already drop the first).
  auto frozen = std::chrono::system_clock::now();
  limit::memory_store store([&frozen] { return frozen; });
  const limit::limit_spec spec{limit::algorithm::token_bucket, 100, std::chrono::minutes(1)};
  boost::asio::io_context io;
  long allowed = 0;
  const auto started = std::chrono::steady_clock::now();
  std::string key;
  for (long i = 0; i < keys; ++i) {
    // "route:203.0.113.x"-style keys spread over a /8 so each one is distinct.
    key = "route:10." + std::to_string((i >> 16) & 255) + "." + std::to_string((i >> 8) & 255) +
          "." + std::to_string(i & 255);
    store.async_check(
        key, std::span(&spec, 1),
        boost::asio::bind_executor(io, [&](boost::system::error_code ec, const limit::verdict& v) {
          if (!ec && v.allowed) ++allowed;
        }));
    // Run the posted completions in batches so they do not pile up in memory.
    if (i % 1024 == 1023) io.run(), io.restart();
  }
  io.run();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::printf("keys:           %ld (allowed %ld)\n", keys, allowed);
  std::printf("states held:    %zu\n", store.size());
  std::printf("checks/s:       %.0f (one thread)\n", static_cast<double>(keys) / seconds);
  std::printf("RSS before:     %.1f MB\n", static_cast<double>(rss_before_kb) / 1024.0);
  std::printf("RSS after:      %.1f MB\n", static_cast<double>(status_kb("VmRSS")) / 1024.0);
  std::printf("peak RSS (HWM): %.1f MB\n", static_cast<double>(status_kb("VmHWM")) / 1024.0);

  // Two minutes on, every state is back to fresh: purged, the maps give memory back.
  frozen += std::chrono::minutes(2);
  const auto purged = store.purge_idle();
  std::printf("purged:         %zu (states held %zu)\n", purged, store.size());
  std::printf("RSS after purge: %.1f MB\n", static_cast<double>(status_kb("VmRSS")) / 1024.0);
  return allowed == keys ? 0 : 1;
}
