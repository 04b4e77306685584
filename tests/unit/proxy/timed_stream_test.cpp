// net::tcp_stream (proxy/timed_stream.hpp): Beast's timeout contract kept by one lazy
// timer per connection. Real loopback sockets; the peer never sends, so a read waits
// until its deadline.

#include "proxy/timed_stream.hpp"

#include <array>
#include <chrono>
#include <optional>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "connected_pair.hpp"

namespace floodgate::net {
namespace {

using namespace std::chrono_literals;

awaitable<error_code> read_once(timed_stream& s) {
  std::array<char, 16> buf{};
  auto [ec, n] = co_await s.async_read_some(asio::buffer(buf));
  co_return ec;
}

// Sets the deadline `first` then `second` from now, reads once from a peer that never
// sends: the read's error and how long it took.
struct timed_read {
  error_code ec;
  clock::duration took;
};

timed_read read_after_deadlines(clock::duration first, clock::duration second) {
  connected_pair p;
  error_code ec;
  const auto took = p.run([&]() -> awaitable<void> {
    p.client.expires_after(first);
    p.client.expires_after(second);
    ec = co_await read_once(p.client);
  });
  return {ec, took};
}

// Verifies a read still pending at its deadline fails with beast's timeout error.
TEST(timed_stream, pending_read_times_out_at_the_deadline) {
  const auto r = read_after_deadlines(100ms, 100ms);
  EXPECT_EQ(r.ec, beast::error::timeout);
  EXPECT_GE(r.took, 100ms);
  EXPECT_LT(r.took, 1s);
}

// Verifies a deadline moved later before the first one passes is the one that counts
// (the timer wakes at the first, finds the later one, and sleeps again).
TEST(timed_stream, later_deadline_replaces_an_earlier_one) {
  const auto r = read_after_deadlines(50ms, 250ms);
  EXPECT_EQ(r.ec, beast::error::timeout);
  EXPECT_GE(r.took, 250ms);
}

// Verifies an earlier deadline re-arms the timer at once.
TEST(timed_stream, earlier_deadline_rearms) {
  const auto r = read_after_deadlines(3s, 100ms);
  EXPECT_EQ(r.ec, beast::error::timeout);
  EXPECT_LT(r.took, 1s);
}

// Verifies a deadline that passed while nothing was pending fails the next operation
// (beast::basic_stream's contract), and expires_never lifts it.
TEST(timed_stream, deadline_passed_while_idle_fails_the_next_operation) {
  connected_pair p;
  error_code first, second;
  p.run([&]() -> awaitable<void> {
    p.client.expires_after(50ms);
    asio::steady_timer pause(p.ioc, 150ms);
    co_await pause.async_wait(asio::use_awaitable);
    first = co_await read_once(p.client);
    // No deadline: the read completes when the peer writes.
    p.client.expires_never();
    asio::write(*p.server, asio::buffer("x", 1));
    second = co_await read_once(p.client);
  });
  EXPECT_EQ(first, beast::error::timeout);
  EXPECT_FALSE(second) << second.message();
}

// Verifies a close that arrives together with the peer's last bytes is seen by the read
// after them at once. The read that returns those bytes, run from epoll's edge, also
// consumes the FIN, and no later edge comes; so the next read must try recv(2) itself.
// A rule that took every short read for a drained socket (NGINX's, which also has
// EPOLLRDHUP to know of a pending close; Asio registers sockets without it) hung here.
TEST(timed_stream, close_right_after_the_last_bytes_is_seen_at_once) {
  connected_pair p;
  std::size_t first = 0;
  error_code second;
  const auto took = p.run([&]() -> awaitable<void> {
    asio::steady_timer later(p.ioc, 50ms);
    later.async_wait([&](const error_code&) {
      asio::write(*p.server, asio::buffer("abc", 3));
      p.server->shutdown(tcp::socket::shutdown_send);
    });
    std::array<char, 16> buf{};
    auto [ec1, n1] = co_await p.client.async_read_some(asio::buffer(buf));
    first = n1;
    auto [ec2, n2] = co_await p.client.async_read_some(asio::buffer(buf));
    second = ec2;
  });
  EXPECT_EQ(first, 3U);
  EXPECT_EQ(second, asio::error::eof) << second.message();
  EXPECT_LT(took, 1s);
}

// Verifies cancel() is a plain cancellation, not a timeout.
TEST(timed_stream, cancel_is_not_a_timeout) {
  connected_pair p;
  error_code ec;
  p.run([&]() -> awaitable<void> {
    p.client.expires_after(5s);
    asio::steady_timer soon(p.ioc, 50ms);
    soon.async_wait([&](const error_code&) { p.client.cancel(); });
    ec = co_await read_once(p.client);
  });
  EXPECT_EQ(ec, asio::error::operation_aborted);
}

}  // namespace
}  // namespace floodgate::net
