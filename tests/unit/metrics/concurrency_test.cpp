// Hot-path instruments under concurrent use: no increment is lost, and
// rendering while others count is safe and monotonic.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "metrics/registry.hpp"

namespace floodgate::metrics {
namespace {

constexpr int threads = 8;
constexpr int per_thread = 100000;

template <typename F>
void run_threads(F body) {
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(body, t);
  for (auto& th : pool) th.join();
}

// Verifies concurrent increments of one counter are all counted.
TEST(concurrency, counter_increments) {
  counter c;
  run_threads([&](int) {
    for (int i = 0; i < per_thread; ++i) c.inc();
  });
  EXPECT_EQ(c.value(), std::uint64_t{threads} * per_thread);
}

// Verifies concurrent observations keep buckets, count and sum exact.
TEST(concurrency, histogram_observations) {
  histogram h({0.5});
  run_threads([&](int t) {
    // Even threads observe below the bound, odd threads above it.
    const double v = t % 2 == 0 ? 0.25 : 1.0;
    for (int i = 0; i < per_thread; ++i) h.observe(v);
  });
  const auto s = h.collect();
  const std::uint64_t half = std::uint64_t{threads} / 2 * per_thread;
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{half, 2 * half}));
  EXPECT_DOUBLE_EQ(s.sum, static_cast<double>(half) * 1.25);
}

// Verifies threads racing to create the same children end up sharing them.
TEST(concurrency, family_children_created_once) {
  registry r;
  auto& f = r.counter("floodgate_requests_total", "R.", {"route", "decision"});
  const char* decisions[] = {"allowed", "blocked", "unlimited"};
  run_threads([&](int t) {
    for (int i = 0; i < per_thread; ++i) f.with({"route", decisions[(i + t) % 3]}).inc();
  });
  std::uint64_t total = 0;
  for (const char* d : decisions) total += f.with({"route", d}).value();
  EXPECT_EQ(total, std::uint64_t{threads} * per_thread);
}

// Verifies render() during increments sees values that never go backwards.
TEST(concurrency, render_while_counting) {
  registry r;
  counter& c = r.counter("c_total", "C.").with({});
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < per_thread * 4; ++i) c.inc();
    done = true;
  });
  std::uint64_t last = 0;
  int renders = 0;
  while (!done || renders == 0) {
    const std::string text = r.render();
    const auto pos = text.rfind(' ');
    const std::uint64_t now = std::stoull(text.substr(pos + 1));
    EXPECT_GE(now, last);
    last = now;
    ++renders;
  }
  writer.join();
  EXPECT_EQ(c.value(), std::uint64_t{per_thread} * 4);
}

}  // namespace
}  // namespace floodgate::metrics
