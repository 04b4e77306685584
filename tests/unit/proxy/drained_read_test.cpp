// Reads into one buffer (proxy/drained_read.hpp, through timed_stream): after a read
// that returned less than it asked for, the next read waits for epoll instead of
// trying recv(2) first, and data arriving in between is never missed. Real loopback
// sockets; recv(2) calls on the watched socket are counted by interposing recv().

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
  // One read of up to `size` bytes (at most 16) through the timed_stream.
  awaitable<read_result> read(std::size_t size) {
    auto [ec, n] = co_await client.async_read_some(asio::buffer(buf_.data(), size));
    co_return read_result{ec, n};
  }

  // Lets the io_context run for `d` (the reactor polls the socket meanwhile).
  awaitable<void> pause(clock::duration d) {
    asio::steady_timer t(ioc, d);
    co_await t.async_wait(asio::use_awaitable);
  }

 private:
  std::array<char, 16> buf_{};
};

// Verifies the next read after a short one makes no recv(2) until data arrives: the
// EAGAIN that Asio's speculative read would get (two per proxied request) is gone.
TEST(drained_read, after_a_short_read_the_next_read_waits_for_data_without_recv) {
  watched_pair p;
  watched_pair::read_result first, second;
  int calls_before_data = -1;
  p.run([&]() -> awaitable<void> {
    p.send("abc");
    first = co_await p.read(16);  // 3 of 16: the socket is drained
    asio::steady_timer later(p.ioc, 100ms);
    later.async_wait([&](const error_code&) {
      calls_before_data = watched_recv_calls.load();
      p.send("de");
    });
    second = co_await p.read(16);
  });
  EXPECT_FALSE(first.ec);
  EXPECT_EQ(first.n, 3U);
  EXPECT_EQ(calls_before_data, 1) << "the second read tried recv(2) before data arrived";
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 2U);
  EXPECT_EQ(watched_recv_calls.load(), 2);
}

// Verifies a read that filled its buffer does not mark the socket drained: the rest
// is read at once by the next read.
TEST(drained_read, a_full_read_leaves_the_rest_to_the_next_read) {
  watched_pair p;
  watched_pair::read_result first, second;
  p.run([&]() -> awaitable<void> {
    p.send("0123456789abcdef");
    first = co_await p.read(8);
    second = co_await p.read(8);
  });
  EXPECT_EQ(first.n, 8U);
  EXPECT_FALSE(second.ec) << second.ec.message();
  EXPECT_EQ(second.n, 8U);
  EXPECT_EQ(watched_recv_calls.load(), 2);
}

// Verifies data that arrives after a short read while no read is pending is not
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

// Verifies the end of the stream after a short read still completes the next read.
TEST(drained_read, end_of_stream_after_a_short_read_is_reported) {
  watched_pair p;
  watched_pair::read_result first, second;
  p.run([&]() -> awaitable<void> {
    p.send("abc");
    first = co_await p.read(16);
    asio::steady_timer later(p.ioc, 50ms);
    later.async_wait([&](const error_code&) { p.server->shutdown(tcp::socket::shutdown_send); });
    second = co_await p.read(16);
  });
  EXPECT_EQ(first.n, 3U);
  EXPECT_EQ(second.ec, asio::error::eof);
}

}  // namespace
}  // namespace floodgate::net
