// The example of docs/limiter.md ("Using the limiter as a library"), compiled
// and run here so the documentation cannot rot. Keep the two in step.

#include <gtest/gtest.h>

// --- example begins ---
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <floodgate/limit/limiter.hpp>
#include <floodgate/limit/memory_store.hpp>

namespace fl = floodgate::limit;
using namespace std::chrono_literals;

int limiter_example() {
  // 5 requests per second per client, and at most 100 per hour.
  const std::vector<fl::limit_spec> limits{{fl::algorithm::gcra, 5, 1000ms},
                                           {fl::algorithm::sliding_window, 100, 1h}};
  fl::limiter limiter(std::make_shared<fl::memory_store>(), fl::breaker_options{});

  // Callback style: the handler runs on the io_context, never inside async_decide.
  boost::asio::io_context io;
  int allowed = 0;
  for (int i = 0; i < 8; ++i) {
    limiter.async_decide("api:203.0.113.7", limits, fl::failure_mode::open, /*shadow=*/false,
                         boost::asio::bind_executor(io, [&](fl::decision_result r) {
                           if (r.what == fl::decision::allowed)
                             ++allowed;
                           else
                             std::printf("%s, retry in %lld ms\n",
                                         std::string(fl::to_string(r.what)).c_str(),
                                         static_cast<long long>(r.detail.retry_after().count()));
                         }));
  }
  io.run();

  // Future style, from any thread.
  auto next = limiter.async_decide("api:198.51.100.1", limits, fl::failure_mode::open, false,
                                   boost::asio::use_future);
  const fl::decision_result r = next.get();
  const auto& headline = r.detail.limits[r.detail.most_restrictive];  // X-RateLimit-* source
  std::printf("other client: %s, %llu left\n", std::string(fl::to_string(r.what)).c_str(),
              static_cast<unsigned long long>(headline.remaining));
  return allowed;
}
// --- example ends ---

namespace {

// Verifies the documented example compiles and behaves as described.
TEST(library_example, runs) {
  EXPECT_EQ(limiter_example(), 5);
}

}  // namespace
