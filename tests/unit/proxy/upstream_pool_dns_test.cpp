// proxy::upstream_pool with a scripted DNS (scripted_lookup.hpp): the name lookup and
// the connect share the upstream's connect_timeout, so a hung DNS server fails the
// request like a server that does not accept (errc::upstream_connect, a 502).

#include "proxy/upstream_pool.hpp"

#include <array>
#include <optional>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "proxy/error.hpp"
#include "run_coroutine.hpp"
#include "scripted_lookup.hpp"

namespace floodgate::proxy {
namespace {

using namespace std::chrono_literals;
using namespace test;  // scripted_lookup, address, run_bounded, pause

config::upstream_config named_upstream(std::chrono::milliseconds connect_timeout) {
  config::upstream_config up;
  up.name = "backend";
  up.servers = {{"backend.internal", 9001}};
  up.connect_timeout = connect_timeout;
  return up;
}

struct acquired {
  bool done = false;
  net::error_code ec;
  bool connected = false;
  net::clock::duration took{};
};

net::awaitable<void> acquire_into(upstream_pool& pool, const config::upstream_config& up,
                                  acquired& out) {
  const auto start = net::clock::now();
  auto [ec, c] = co_await pool.acquire(up);
  out = {true, ec, c != nullptr, net::clock::now() - start};
}

// Verifies a request whose server name never resolves fails at connect_timeout with
// the error of a server that does not accept.
TEST(upstream_pool_dns, hung_lookup_fails_the_request_at_connect_timeout) {
  boost::asio::io_context ioc;
  scripted_lookup dns;
  upstream_pool pool(ioc.get_executor(), {}, {}, dns.function());
  const auto up = named_upstream(200ms);
  acquired r;
  run_bounded(ioc, [&]() -> net::awaitable<void> { co_await acquire_into(pool, up, r); });
  ASSERT_TRUE(r.done) << "the request waited for DNS past connect_timeout";
  EXPECT_EQ(r.ec, errc::upstream_connect);
  EXPECT_GE(r.took, 200ms);
  EXPECT_LT(r.took, 700ms);
}

// Verifies a name that resolves within the budget is connected to (the loopback
// listener's port comes from the lookup, not from the configuration).
TEST(upstream_pool_dns, lookup_answering_within_the_budget_connects) {
  boost::asio::io_context ioc;
  net::tcp_acceptor listener(ioc.get_executor(),
                             net::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  scripted_lookup dns;
  upstream_pool pool(ioc.get_executor(), {}, {}, dns.function());
  const auto up = named_upstream(1s);
  acquired r;
  run_bounded(ioc, [&]() -> net::awaitable<void> {
    boost::asio::co_spawn(ioc, acquire_into(pool, up, r), boost::asio::detached);
    co_await pause(50ms);
    dns.answer(0, {}, address("127.0.0.1", listener.local_endpoint().port()));
    co_await pause(100ms);
  });
  EXPECT_EQ(dns.at(0).host, "backend.internal");
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec) << r.ec.message();
  EXPECT_TRUE(r.connected);
}

// A loopback listener that never accepts, its queue filled: the kernel drops the next
// SYN, so a connect to it waits until its deadline.
struct unanswering_listener {
  explicit unanswering_listener(boost::asio::io_context& ioc) : acceptor(ioc.get_executor()) {
    const net::tcp::endpoint loopback(boost::asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(loopback.protocol());
    acceptor.bind(loopback);
    acceptor.listen(1);
    for (auto& s : queued) {
      s.emplace(ioc.get_executor());
      s->async_connect(acceptor.local_endpoint(), [](net::error_code) {});
    }
  }
  net::tcp_acceptor acceptor;
  std::array<std::optional<net::tcp_socket>, 4> queued;
};

// Verifies the lookup's time comes out of connect_timeout: a name that resolves late
// to a server that does not accept fails at connect_timeout from the start, not later.
TEST(upstream_pool_dns, lookup_and_connect_share_connect_timeout) {
  boost::asio::io_context ioc;
  unanswering_listener listener(ioc);
  scripted_lookup dns;
  upstream_pool pool(ioc.get_executor(), {}, {}, dns.function());
  const auto up = named_upstream(400ms);
  acquired r;
  run_bounded(ioc, [&]() -> net::awaitable<void> {
    co_await pause(50ms);  // the queue fills
    boost::asio::co_spawn(ioc, acquire_into(pool, up, r), boost::asio::detached);
    co_await pause(250ms);
    dns.answer(0, {}, address("127.0.0.1", listener.acceptor.local_endpoint().port()));
    co_await pause(500ms);
  });
  ASSERT_TRUE(r.done);
  EXPECT_EQ(r.ec, errc::upstream_connect);
  EXPECT_GE(r.took, 400ms);
  EXPECT_LT(r.took, 600ms) << "the connect had a whole connect_timeout after the lookup";
}

// Verifies the production lookup (getaddrinfo on Asio's resolver thread): "localhost"
// comes from /etc/hosts, so no DNS server is involved.
TEST(upstream_pool_dns, system_lookup_resolves_localhost) {
  boost::asio::io_context ioc;
  net::tcp_acceptor listener(ioc.get_executor(),
                             net::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  upstream_pool pool(ioc.get_executor());
  auto up = named_upstream(2s);
  up.servers = {{"localhost", listener.local_endpoint().port()}};
  acquired r;
  run_bounded(ioc, [&]() -> net::awaitable<void> { co_await acquire_into(pool, up, r); });
  ASSERT_TRUE(r.done);
  EXPECT_FALSE(r.ec) << r.ec.message();
  EXPECT_TRUE(r.connected);
}

}  // namespace
}  // namespace floodgate::proxy
