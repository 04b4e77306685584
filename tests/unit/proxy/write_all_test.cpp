// proxy::write_all (proxy/write_all.hpp): what the socket takes at once, the rest
// through asio::async_write. Real loopback sockets.

#include "proxy/write_all.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>

namespace floodgate::proxy {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

struct connected_pair {
  asio::io_context ioc;
  net::tcp_acceptor acceptor{ioc.get_executor(),
                             net::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  net::tcp_stream writer{ioc.get_executor()};
  std::optional<net::tcp_socket> reader;

  connected_pair() {
    writer.socket().connect(acceptor.local_endpoint());
    reader.emplace(acceptor.accept());
  }

  // Runs the coroutines to completion (at most 10 s).
  void run() { ioc.run_for(10s); }
};

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

// Verifies small gather writes go out whole and in order, the reader getting every byte.
TEST(write_all, writes_every_buffer_in_order) {
  connected_pair p;
  const std::array<std::string, 3> parts{"HTTP/1.1 200 OK\r\n", "Content-Length: 2\r\n\r\n", "ok"};
  const std::array<asio::const_buffer, 3> buffers{asio::buffer(parts[0]), asio::buffer(parts[1]),
                                                  asio::buffer(parts[2])};
  std::optional<std::tuple<net::error_code, std::size_t>> result;
  asio::co_spawn(p.ioc, write_all(p.writer, buffers, io_limit{}),
                 [&](std::exception_ptr e, auto r) {
                   if (e) std::rethrow_exception(e);
                   result = r;
                 });
  p.run();
  ASSERT_TRUE(result.has_value());
  const auto expected = parts[0] + parts[1] + parts[2];
  EXPECT_FALSE(std::get<0>(*result));
  EXPECT_EQ(std::get<1>(*result), expected.size());
  std::string got(expected.size(), '\0');
  asio::read(*p.reader, asio::buffer(got));
  EXPECT_EQ(got, expected);
}

// Verifies a write larger than the socket buffers takes the partial-then-async path:
// it completes only as the reader drains, with every byte in order.
TEST(write_all, finishes_what_the_socket_could_not_take_at_once) {
  connected_pair p;
  const auto head = pattern(100);
  const auto body = pattern(32 * 1024 * 1024);  // far beyond loopback's socket buffers
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
  std::optional<std::tuple<net::error_code, std::size_t>> result;
  asio::co_spawn(p.ioc, write_all(p.writer, buffers, io_limit{}),
                 [&](std::exception_ptr e, auto r) {
                   if (e) std::rethrow_exception(e);
                   result = r;
                 });
  // The writer cannot finish before anything is read.
  p.ioc.run_for(50ms);
  EXPECT_FALSE(result.has_value());

  std::string got;
  got.reserve(head.size() + body.size());
  std::vector<char> buf(1 << 16);
  p.reader->non_blocking(true);  // the writer runs on this thread between reads
  const auto give_up = net::clock::now() + 10s;
  while (got.size() < head.size() + body.size() && net::clock::now() < give_up) {
    p.ioc.poll();
    net::error_code ec;
    const auto n = p.reader->read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) continue;
    ASSERT_FALSE(ec) << ec.message();
    got.append(buf.data(), n);
  }
  // Not p.run(): the write's deadline (30 s) keeps the stream's timer armed after it.
  for (int i = 0; i < 500 && !result; ++i) p.ioc.run_for(10ms);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(std::get<0>(*result));
  EXPECT_EQ(std::get<1>(*result), head.size() + body.size());
  EXPECT_TRUE(got == head + body);
}

// Verifies the limit governs the part the socket could not take: with a reader that
// never reads, the write fails with beast's timeout once `per_op` has passed (the
// deadline is set only then, so a write taken whole reads no clock).
TEST(write_all, times_out_when_the_reader_stalls) {
  connected_pair p;
  const auto data = pattern(32 * 1024 * 1024);
  std::optional<std::tuple<net::error_code, std::size_t>> result;
  const auto start = net::clock::now();
  net::clock::duration took{};
  asio::co_spawn(p.ioc,
                 write_all(p.writer, std::array{asio::buffer(data)},
                           io_limit{net::clock::time_point::max(), 200ms}),
                 [&](std::exception_ptr e, auto r) {
                   if (e) std::rethrow_exception(e);
                   result = r;
                   took = net::clock::now() - start;
                 });
  p.run();
  ASSERT_TRUE(result.has_value()) << "the write never timed out";
  EXPECT_EQ(std::get<0>(*result), boost::beast::error::timeout);
  EXPECT_LT(std::get<1>(*result), data.size());
  EXPECT_GE(took, 200ms);
  EXPECT_LT(took, 5s);
}

// Verifies a peer that is gone is an error (not a signal that kills the process).
TEST(write_all, reports_a_closed_peer) {
  connected_pair p;
  p.reader->set_option(asio::socket_base::linger(true, 0));  // close with RST
  p.reader->close();
  std::this_thread::sleep_for(20ms);
  const auto data = pattern(1000);
  std::optional<std::tuple<net::error_code, std::size_t>> result;
  asio::co_spawn(p.ioc, write_all(p.writer, std::array{asio::buffer(data)}, io_limit{}),
                 [&](std::exception_ptr e, auto r) {
                   if (e) std::rethrow_exception(e);
                   result = r;
                 });
  p.run();
  ASSERT_TRUE(result.has_value());
  const auto ec = std::get<0>(*result);
  EXPECT_TRUE(ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
      << ec.message();
}

}  // namespace
}  // namespace floodgate::proxy
