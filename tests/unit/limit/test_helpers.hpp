#pragma once

// Shared by the limiter unit tests: an injected clock, and running one async
// check to completion on an io_context while proving it did not complete inline.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>

#include <floodgate/limit/limiter.hpp>
#include <floodgate/limit/memory_store.hpp>

namespace floodgate::limit::test {

/// A wall clock the test moves by hand (thread safe).
class fake_clock {
 public:
  explicit fake_clock(std::int64_t start_us) : now_us_(start_us) {}

  [[nodiscard]] memory_store::clock_function function() {
    return [this] {
      return std::chrono::system_clock::time_point(std::chrono::microseconds(now_us_.load()));
    };
  }
  void set(std::int64_t us) { now_us_.store(us); }
  void advance(std::int64_t us) { now_us_.fetch_add(us); }
  [[nodiscard]] std::int64_t now_us() const { return now_us_.load(); }

 private:
  std::atomic<std::int64_t> now_us_;
};

struct check_result {
  boost::system::error_code ec;
  verdict v;
};

/// One store check, driven to completion on a private io_context.
inline check_result run_check(store& s, std::string_view key, std::span<const limit_spec> limits) {
  boost::asio::io_context io;
  std::optional<check_result> out;
  s.async_check(key, limits,
                boost::asio::bind_executor(io, [&](boost::system::error_code ec, verdict v) {
                  out = check_result{ec, std::move(v)};
                }));
  EXPECT_FALSE(out.has_value()) << "completed inline";
  io.run();
  EXPECT_TRUE(out.has_value()) << "never completed";
  return out.value_or(check_result{});
}

inline check_result run_check(store& s, std::string_view key, const limit_spec& spec) {
  return run_check(s, key, std::span(&spec, 1));
}

/// One limiter decision, driven to completion on a private io_context.
inline decision_result run_decide(limiter& l, std::string_view key,
                                  std::span<const limit_spec> limits, failure_mode mode,
                                  bool shadow = false) {
  boost::asio::io_context io;
  std::optional<decision_result> out;
  l.async_decide(key, limits, mode, shadow,
                 boost::asio::bind_executor(io, [&](decision_result r) { out = std::move(r); }));
  EXPECT_FALSE(out.has_value()) << "completed inline";
  io.run();
  EXPECT_TRUE(out.has_value()) << "never completed";
  return out.value_or(decision_result{});
}

}  // namespace floodgate::limit::test
