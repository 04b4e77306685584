// Reads into one buffer through timed_stream (proxy/drained_read.hpp): on a socket
// with drain reports (TCP_INQ), a read after which the kernel says nothing is left,
// not even a FIN, makes the next read wait for epoll instead of trying recv(2)
// first; bytes or a close still queued keep the next read speculative, so they are
// seen at once; without drain reports the reads are Boost's own. Real loopback
// sockets; read calls on the watched socket are counted by interposing recvmsg()
// and recv().

#include "proxy/drained_read.hpp"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <string_view>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "backend_server.hpp"
#include "connected_pair.hpp"
#include "gateway_harness.hpp"
#include "http_client.hpp"

namespace {

std::atomic<int> watched_fd{-1};
std::atomic<int> watched_reads{0};
// Reads through drained_read_buffer (recvmsg with a control buffer) anywhere in the
// process that found nothing (EAGAIN).
std::atomic<int> drained_reads_finding_nothing{0};

}  // namespace

// These definitions in the test binary take the place of libc's and count the calls
// made on the watched socket; the call itself is the system call, unchanged.
extern "C" ssize_t recvmsg(int fd, msghdr* msg, int flags) {
  if (fd == watched_fd.load()) watched_reads.fetch_add(1);
  const auto n = syscall(SYS_recvmsg, fd, msg, flags);
  if (n < 0 && errno == EAGAIN && msg->msg_control != nullptr)
    drained_reads_finding_nothing.fetch_add(1);
  return n;
}
extern "C" ssize_t recv(int fd, void* buf, size_t n, int flags) {
  if (fd == watched_fd.load()) watched_reads.fetch_add(1);
  return syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr);
}

namespace floodgate::net {
namespace {

using namespace std::chrono_literals;

struct watched_pair : connected_pair {
  explicit watched_pair(bool drain_reports = true) {
    if (drain_reports) {
      EXPECT_TRUE(enable_drain_reports(client.socket().native_handle()));
    }
    watched_fd = client.socket().native_handle();
    watched_reads = 0;
  }
  ~watched_pair() { watched_fd = -1; }

  void send(std::string_view bytes) { asio::write(*server, asio::buffer(bytes)); }
  void close_sending() { server->shutdown(tcp::socket::shutdown_send); }

  struct read_result {
    error_code ec;
    std::size_t n = 0;
  };
  // One read of up to `size` bytes (at most 16) through the timed_stream.
  awaitable<read_result> read(std::size_t size) {
    auto [ec, n] = co_await client.async_read_some(asio::buffer(buf_.data(), size));
    co_return read_result{ec, n};
  }

  // Calls `then` after `d` while the coroutine waits on its next read.
  template <typename Then>
  void after(clock::duration d, Then then) {
    timer_.expires_after(d);
    timer_.async_wait([then](const error_code&) { then(); });
  }

  // Lets the io_context run for `d` (the reactor polls the socket meanwhile).
  awaitable<void> pause(clock::duration d) {
    asio::steady_timer t(ioc, d);
    co_await t.async_wait(asio::use_awaitable);
  }

 private:
  std::array<char, 16> buf_{};
  asio::steady_timer timer_{ioc};
};

// Two reads: the second waits until `later` arrives 100 ms after the first.
// Returns the read calls made on the socket before that data arrived.
int reads_before_later_data(watched_pair& p, std::string_view first, std::string_view later,
                            watched_pair::read_result& r1, watched_pair::read_result& r2) {
  int calls_before_data = -1;
  p.run([&]() -> awaitable<void> {
    p.send(first);
    r1 = co_await p.read(16);
    p.after(100ms, [&] {
      calls_before_data = watched_reads.load();
      p.send(later);
    });
    r2 = co_await p.read(16);
  });
  return calls_before_data;
}

// Verifies the next read after one that left nothing makes no read call until data
// arrives: the EAGAIN that Asio's speculative read would get is gone.
TEST(drained_read, after_a_read_that_left_nothing_the_next_waits_for_data_without_a_call) {
  watched_pair p;
  watched_pair::read_result first, second;
  EXPECT_EQ(reads_before_later_data(p, "abc", "de", first, second), 1)
      << "the second read tried recv(2) before data arrived";
  EXPECT_EQ(first.n, 3U);
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 2U);
  EXPECT_EQ(watched_reads.load(), 2);
}

// Verifies a socket without drain reports keeps Boost's speculative reads: the next
// read tries at once (and finds nothing yet).
TEST(drained_read, without_drain_reports_the_next_read_tries_at_once) {
  watched_pair p(false);
  watched_pair::read_result first, second;
  EXPECT_EQ(reads_before_later_data(p, "abc", "de", first, second), 2);
  EXPECT_EQ(first.n, 3U);
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 2U);
}

// Verifies the case NGINX needs EPOLLRDHUP for: the last bytes and the peer's close
// queued together, taken by one read. The kernel counts the FIN as left, so the next
// read tries at once and sees the end (no later edge would wake it).
TEST(drained_read, a_close_queued_behind_the_last_bytes_is_seen_at_once) {
  watched_pair p;
  watched_pair::read_result first, second;
  const auto took = p.run([&]() -> awaitable<void> {
    p.send("abc");
    p.close_sending();
    co_await p.pause(50ms);  // both queued before the first read
    first = co_await p.read(16);
    second = co_await p.read(16);
  });
  EXPECT_EQ(first.n, 3U);
  EXPECT_EQ(second.ec, asio::error::eof) << second.ec.message();
  EXPECT_LT(took, 1s);
}

// Verifies a read that left bytes queued does not mark the socket drained: the rest
// is read at once by the next read.
TEST(drained_read, bytes_left_queued_are_read_at_once) {
  watched_pair p;
  watched_pair::read_result first, second;
  p.run([&]() -> awaitable<void> {
    p.send("0123456789abcdef");
    co_await p.pause(50ms);
    first = co_await p.read(8);
    second = co_await p.read(8);
  });
  EXPECT_EQ(first.n, 8U);
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 8U);
  EXPECT_EQ(watched_reads.load(), 2);
}

// Verifies data that arrives after a drained read while no read is pending is not
// missed: epoll reports its edge with nothing queued, and the next read takes it at
// once (with edge-triggered epoll there is no second edge to wait for).
TEST(drained_read, data_arriving_while_no_read_is_pending_is_read_at_once) {
  watched_pair p;
  watched_pair::read_result first, second;
  const auto took = p.run([&]() -> awaitable<void> {
    p.send("abc");
    first = co_await p.read(16);
    p.send("de");
    co_await p.pause(100ms);  // the reactor sees the edge; no read is queued
    second = co_await p.read(16);
  });
  EXPECT_EQ(first.n, 3U);
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 2U);
  EXPECT_LT(took, 1s);
}

// Verifies a close that arrives after a drained read, in an edge of its own, still
// completes the next read.
TEST(drained_read, a_later_close_after_a_drained_read_is_reported) {
  watched_pair p;
  watched_pair::read_result first, second;
  const auto took = p.run([&]() -> awaitable<void> {
    p.send("abc");
    first = co_await p.read(16);
    p.after(50ms, [&] { p.close_sending(); });
    second = co_await p.read(16);
  });
  EXPECT_EQ(first.n, 3U);
  EXPECT_EQ(second.ec, asio::error::eof) << second.ec.message();
  EXPECT_LT(took, 1s);
}

}  // namespace
}  // namespace floodgate::net

namespace floodgate::test {
namespace {

// Verifies the gateway sets drain reports on both of its sockets (the session's and
// the upstream pool's): proxied requests on a warm keep-alive connection make no read
// that finds nothing, neither for the client's next request nor for the upstream's
// response. Without TCP_INQ on either side each request makes one such read there.
TEST(drained_read, proxied_requests_make_no_read_that_finds_nothing) {
  backend_server backend{"b"};
  gateway_harness gw{make_config({backend.port()})};
  http_connection c(gw.port());
  ASSERT_TRUE(c.request("GET", "/echo"));  // connects both sides: their first reads may try
  const int before = drained_reads_finding_nothing.load();
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the gateway waits idle
    auto r = c.request("GET", "/echo");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200u);
  }
  EXPECT_EQ(drained_reads_finding_nothing.load() - before, 0);
}

}  // namespace
}  // namespace floodgate::test
