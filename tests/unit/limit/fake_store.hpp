#pragma once

// A store for failure injection: fails on chosen calls (Beast's fail_count
// idea), otherwise answers a fixed verdict. Completes like a real store: later,
// on the handler's executor.

#include <atomic>
#include <cstdint>
#include <set>
#include <string>

#include <floodgate/limit/error.hpp>
#include <floodgate/limit/store.hpp>

#include "limit/completion.hpp"

namespace floodgate::limit::test {

class fake_store final : public store {
 public:
  /// Calls (1-based) that fail with `failure`; every call from `fail_from` on fails too.
  std::set<std::uint64_t> fail_on;
  std::uint64_t fail_from = UINT64_MAX;
  boost::system::error_code failure = make_error_code(errc::redis_unavailable);
  bool allow = true;  // the verdict of a successful call
  /// A key whose checks are answered with a remembered denial (verdict::from_cache),
  /// like the Redis store's denial cache: not a backend call, never failing.
  std::string remembered_key;

  [[nodiscard]] std::uint64_t calls() const { return calls_.load(); }

 private:
  void do_check(std::string_view key, std::span<const limit_spec> limits,
                boost::asio::any_completion_handler<check_signature> handler) override {
    if (!remembered_key.empty() && key == remembered_key) {
      verdict v;
      for (const auto& l : limits) {
        v.limits.push_back(
            {l.limit, 0, std::chrono::milliseconds(1000), std::chrono::milliseconds(1000), false});
      }
      finalize(v);
      v.from_cache = true;
      detail::post_completion(std::move(handler), boost::system::error_code{}, std::move(v));
      return;
    }
    const std::uint64_t n = calls_.fetch_add(1) + 1;
    if (fail_on.contains(n) || n >= fail_from) {
      detail::post_completion(std::move(handler), failure, verdict{});
      return;
    }
    verdict v;
    for (const auto& l : limits) {
      v.limits.push_back({l.limit, allow ? l.limit - 1 : 0, std::chrono::milliseconds(1000),
                          std::chrono::milliseconds(allow ? 0 : 1000), allow});
    }
    finalize(v);
    detail::post_completion(std::move(handler), boost::system::error_code{}, std::move(v));
  }

  std::atomic<std::uint64_t> calls_{0};
};

}  // namespace floodgate::limit::test
