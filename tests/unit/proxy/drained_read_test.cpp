// Reads into a drained_read_buffer (proxy/drained_read.hpp): a short read that its
// reader calls finished makes the next read on the socket wait for epoll instead of
// trying recv(2) first; any other read leaves Asio's speculative read as it was, so
// a close that came with the last bytes is still seen at once. Real loopback
// sockets; recv(2) calls on the watched socket are counted by interposing recv().

#include "proxy/drained_read.hpp"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string_view>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "connected_pair.hpp"

namespace {

std::atomic<int> watched_fd{-1};
std::atomic<int> watched_recv_calls{0};

}  // namespace

// Asio's socket reads call ::recv; this definition in the test binary takes the place
// of libc's and counts the calls made on the watched socket. The call itself is the
// system call, unchanged.
extern "C" ssize_t recv(int fd, void* buf, size_t n, int flags) {
  if (fd == watched_fd.load()) watched_recv_calls.fetch_add(1);
  return syscall(SYS_recvfrom, fd, buf, n, flags, nullptr, nullptr);
}

namespace floodgate::net {
namespace {

using namespace std::chrono_literals;

// The reader's verdict on the bytes that arrived: "finished" when they end with '.'.
bool ends_with_dot(void*, std::string_view arrived) {
  return arrived.ends_with('.');
}

struct watched_pair : connected_pair {
  watched_pair() {
    watched_fd = client.socket().native_handle();
    watched_recv_calls = 0;
  }
  ~watched_pair() { watched_fd = -1; }

  void send(std::string_view bytes) { asio::write(*server, asio::buffer(bytes)); }

  struct read_result {
    error_code ec;
    std::size_t n = 0;
  };
  // One read of up to `size` bytes (at most 16) into a drained_read_buffer whose
  // reader calls the bytes finished when they end with '.'.
  awaitable<read_result> read(std::size_t size) {
    auto [ec, n] = co_await client.async_read_some(
        drained_read_buffer(asio::buffer(buf_.data(), size), &ends_with_dot, nullptr));
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

// Verifies the next read after a finished short read makes no recv(2) until data
// arrives: the EAGAIN that Asio's speculative read would get is gone.
TEST(drained_read, after_a_finished_short_read_the_next_read_waits_for_data_without_recv) {
  watched_pair p;
  watched_pair::read_result first, second;
  int calls_before_data = -1;
  p.run([&]() -> awaitable<void> {
    p.send("abc.");
    first = co_await p.read(16);  // 4 of 16, finished: the socket is drained
    p.after(100ms, [&] {
      calls_before_data = watched_recv_calls.load();
      p.send("de");
    });
    second = co_await p.read(16);
  });
  EXPECT_FALSE(first.ec);
  EXPECT_EQ(first.n, 4U);
  EXPECT_EQ(calls_before_data, 1) << "the second read tried recv(2) before data arrived";
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 2U);
  EXPECT_EQ(watched_recv_calls.load(), 2);
}

// Verifies a short read its reader does not call finished keeps Asio's speculative
// read: the next read tries recv(2) at once (and finds nothing yet).
TEST(drained_read, an_unfinished_short_read_leaves_the_next_read_speculative) {
  watched_pair p;
  watched_pair::read_result first, second;
  int calls_before_data = -1;
  p.run([&]() -> awaitable<void> {
    p.send("abc");
    first = co_await p.read(16);
    p.after(100ms, [&] {
      calls_before_data = watched_recv_calls.load();
      p.send("de.");
    });
    second = co_await p.read(16);
  });
  EXPECT_EQ(first.n, 3U);
  EXPECT_EQ(calls_before_data, 2) << "the second read did not try recv(2) first";
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 3U);
}

// Verifies the case the reader's verdict exists for: the last bytes and the peer's
// close arrive in one epoll edge. A read the reader does not call finished leaves the
// close to the next read, which sees it at once (no later edge would wake it).
TEST(drained_read, close_with_unfinished_bytes_is_seen_at_once) {
  watched_pair p;
  watched_pair::read_result first, second;
  const auto took = p.run([&]() -> awaitable<void> {
    p.after(50ms, [&] {
      p.send("abc");
      p.server->shutdown(tcp::socket::shutdown_send);
    });
    first = co_await p.read(16);
    second = co_await p.read(16);
  });
  EXPECT_EQ(first.n, 3U);
  EXPECT_EQ(second.ec, asio::error::eof) << second.ec.message();
  EXPECT_LT(took, 1s);
}

// Verifies a read that filled its buffer does not mark the socket drained, whatever
// the reader says: the rest is read at once by the next read.
TEST(drained_read, a_full_read_leaves_the_rest_to_the_next_read) {
  watched_pair p;
  watched_pair::read_result first, second;
  p.run([&]() -> awaitable<void> {
    p.send("0123456.89abcdef");
    first = co_await p.read(8);  // "0123456." fills the buffer
    second = co_await p.read(8);
  });
  EXPECT_EQ(first.n, 8U);
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 8U);
  EXPECT_EQ(watched_recv_calls.load(), 2);
}

// Verifies data that arrives after a finished read while no read is pending is not
// missed: epoll reports its edge with nothing queued, and the next read takes it at
// once (with edge-triggered epoll there is no second edge to wait for).
TEST(drained_read, data_arriving_while_no_read_is_pending_is_read_at_once) {
  watched_pair p;
  watched_pair::read_result first, second;
  const auto took = p.run([&]() -> awaitable<void> {
    p.send("abc.");
    first = co_await p.read(16);
    p.send("de");
    co_await p.pause(100ms);  // the reactor sees the edge; no read is queued
    second = co_await p.read(16);
  });
  EXPECT_EQ(first.n, 4U);
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 2U);
  EXPECT_LT(took, 1s);
}

// Verifies a close that arrives after a finished read, in an edge of its own, still
// completes the next read.
TEST(drained_read, a_later_close_after_a_finished_read_is_reported) {
  watched_pair p;
  watched_pair::read_result first, second;
  const auto took = p.run([&]() -> awaitable<void> {
    p.send("abc.");
    first = co_await p.read(16);
    p.after(50ms, [&] { p.server->shutdown(tcp::socket::shutdown_send); });
    second = co_await p.read(16);
  });
  EXPECT_EQ(first.n, 4U);
  EXPECT_EQ(second.ec, asio::error::eof) << second.ec.message();
  EXPECT_LT(took, 1s);
}

}  // namespace
}  // namespace floodgate::net
