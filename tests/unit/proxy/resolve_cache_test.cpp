// proxy::resolve_cache against a scripted DNS (scripted_lookup.hpp): a request waits
// for a lookup until its own deadline only, one lookup serves every request for a
// name and fills the cache even when it answers after they gave up, a failed refresh
// keeps the previous addresses, and IP literals never reach the resolver.

#include "proxy/resolve_cache.hpp"

#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>

#include "run_coroutine.hpp"
#include "scripted_lookup.hpp"

namespace floodgate::proxy {
namespace {

using namespace std::chrono_literals;
using namespace test;  // scripted_lookup, address, run_bounded, pause

const config::endpoint backend{"backend.internal", 8080};

struct resolved {
  bool done = false;  // false: the request was still waiting when the test ended
  net::error_code ec;
  endpoints addresses;
  net::clock::duration took{};
};

// A cache on a scripted DNS, and requests to it run on one io_context.
class resolve_cache_test : public ::testing::Test {
 protected:
  // Resolves `server` with `budget` to spare, recording the outcome in `out`.
  net::awaitable<void> resolve(const config::endpoint& server, net::clock::duration budget,
                               resolved& out) {
    const auto start = net::clock::now();
    auto [ec, found] = co_await cache->resolve(server, start + budget);
    out = {true, ec, std::move(found), net::clock::now() - start};
  }

  // The same for `backend`, as a request of its own, so that several wait at once.
  void start_resolve(net::clock::duration budget, resolved& out) {
    boost::asio::co_spawn(ioc, resolve(backend, budget, out), boost::asio::detached);
  }

  template <typename Body>
  void run(Body body) {
    run(std::move(body));
  }

  boost::asio::io_context ioc;
  scripted_lookup dns;
  std::unique_ptr<resolve_cache> cache =
      std::make_unique<resolve_cache>(resolve_cache::options{}, dns.function());
};

// Verifies a request gives up at its deadline while the lookup never answers.
TEST_F(resolve_cache_test, request_stops_waiting_at_its_deadline_while_the_lookup_hangs) {
  resolved r;
  run_bounded(ioc, [&]() -> net::awaitable<void> { co_await resolve(backend, 100ms, r); });
  ASSERT_TRUE(r.done) << "the request waited for a lookup that never answers";
  EXPECT_EQ(r.ec, boost::beast::error::timeout);
  EXPECT_GE(r.took, 100ms);
  EXPECT_LT(r.took, 1s);
  EXPECT_EQ(dns.started(), 1u);
}

// Verifies concurrent requests for one name start one lookup, and each waits until
// its own deadline: the shorter gives up, the longer gets the answer.
TEST_F(resolve_cache_test, concurrent_requests_share_one_lookup_each_with_its_deadline) {
  resolved impatient, patient;
  run_bounded(ioc, [&]() -> net::awaitable<void> {
    start_resolve(100ms, impatient);
    start_resolve(2s, patient);
    co_await pause(300ms);
    EXPECT_EQ(dns.started(), 1u);
    dns.answer(0, {}, address("192.0.2.7", 8080));
    co_await pause(10ms);
  });
  EXPECT_EQ(dns.started(), 1u);
  ASSERT_TRUE(impatient.done);
  EXPECT_EQ(impatient.ec, boost::beast::error::timeout);
  ASSERT_TRUE(patient.done);
  EXPECT_FALSE(patient.ec);
  EXPECT_EQ(patient.addresses, address("192.0.2.7", 8080));
}

// Verifies an answer that comes after its requester gave up fills the cache: the
// next request gets the address at once, without another lookup.
TEST_F(resolve_cache_test, late_answer_fills_the_cache_for_the_next_request) {
  resolved first, next;
  run_bounded(ioc, [&]() -> net::awaitable<void> {
    start_resolve(50ms, first);
    co_await pause(200ms);
    dns.answer(0, {}, address("192.0.2.7", 8080));
    co_await resolve(backend, 0ms, next);
  });
  ASSERT_TRUE(first.done);
  EXPECT_EQ(first.ec, boost::beast::error::timeout);
  ASSERT_TRUE(next.done);
  EXPECT_FALSE(next.ec);
  EXPECT_EQ(next.addresses, address("192.0.2.7", 8080));
  EXPECT_EQ(dns.started(), 1u);
}

// Collects what spdlog writes while it lives.
class captured_log {
 public:
  captured_log() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(text_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
  }
  ~captured_log() { spdlog::set_default_logger(previous_); }
  captured_log(const captured_log&) = delete;
  captured_log& operator=(const captured_log&) = delete;

  [[nodiscard]] std::size_t count(const std::string& word) const {
    const auto all = text_.str();
    std::size_t n = 0;
    for (auto at = all.find(word); at != std::string::npos; at = all.find(word, at + 1)) ++n;
    return n;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

// Verifies a refresh of an expired entry that fails leaves the previous addresses in
// use, is not retried by every request but after retry_after_failure, and is logged
// once for the run of failures.
TEST_F(resolve_cache_test, failed_refresh_keeps_serving_the_previous_addresses) {
  const captured_log log;
  cache = std::make_unique<resolve_cache>(
      resolve_cache::options{.ttl = 0ms, .retry_after_failure = 300ms}, dns.function());
  resolved initial, during_refresh, after_failure, after_retry, after_second_failure;
  const auto previous = address("192.0.2.7", 8080);
  run_bounded(ioc, [&]() -> net::awaitable<void> {
    start_resolve(1s, initial);
    co_await pause(10ms);
    dns.answer(0, {}, previous);
    co_await pause(10ms);
    // Expired at once (ttl 0): this request starts a refresh and does not wait for it.
    co_await resolve(backend, 0ms, during_refresh);
    dns.answer(1, boost::asio::error::host_not_found);
    co_await pause(10ms);
    co_await resolve(backend, 0ms, after_failure);
    EXPECT_EQ(dns.started(), 2u) << "a failed lookup is not repeated by every request";
    co_await pause(400ms);
    co_await resolve(backend, 0ms, after_retry);
    EXPECT_EQ(dns.started(), 3u) << "past retry_after_failure the name is looked up again";
    dns.answer(2, boost::asio::error::host_not_found);
    co_await pause(10ms);
    co_await resolve(backend, 0ms, after_second_failure);
  });
  for (const auto* r : {&during_refresh, &after_failure, &after_retry, &after_second_failure}) {
    ASSERT_TRUE(r->done);
    EXPECT_FALSE(r->ec) << r->ec.message();
    EXPECT_EQ(r->addresses, previous);
  }
  EXPECT_EQ(log.count("warning"), 1u) << "one warning per run of failures";
}

// Verifies IP literals (IPv4, IPv6 with or without brackets) resolve at once, with no
// time to spare, and never start a lookup.
TEST_F(resolve_cache_test, ip_literals_never_reach_the_resolver) {
  // Named, not braced temporaries: GCC 12 mishandles a braced temporary bound to a
  // coroutine's parameter inside co_await (free(): invalid pointer).
  const config::endpoint v4_server{"127.0.0.1", 9001};
  const config::endpoint v6_server{"::1", 9002};
  const config::endpoint bracketed_server{"[::1]", 9003};
  resolved v4, v6, bracketed;
  run_bounded(ioc, [&]() -> net::awaitable<void> {
    co_await resolve(v4_server, 0ms, v4);
    co_await resolve(v6_server, 0ms, v6);
    co_await resolve(bracketed_server, 0ms, bracketed);
  });
  EXPECT_EQ(dns.started(), 0u);
  EXPECT_EQ(v4.addresses, address("127.0.0.1", 9001));
  EXPECT_EQ(v6.addresses, address("::1", 9002));
  EXPECT_EQ(bracketed.addresses, address("::1", 9003));
  for (const auto* r : {&v4, &v6, &bracketed}) EXPECT_FALSE(r->ec);
}

// Verifies a lookup that ends after its cache was destroyed (the worker went away)
// touches none of it: run under ASan or valgrind, a use after free shows here.
TEST_F(resolve_cache_test, lookup_ending_after_the_cache_is_gone_is_harmless) {
  resolved gave_up;
  run_bounded(ioc, [&]() -> net::awaitable<void> {
    start_resolve(20ms, gave_up);
    co_await pause(50ms);
    cache.reset();
    dns.answer(0, {}, address("192.0.2.7", 8080));
    co_await pause(10ms);
  });
  ASSERT_TRUE(gave_up.done);
  EXPECT_EQ(gave_up.ec, boost::beast::error::timeout);
}

}  // namespace
}  // namespace floodgate::proxy
