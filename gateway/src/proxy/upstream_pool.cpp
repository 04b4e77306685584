#include "proxy/upstream_pool.hpp"

#include <cerrno>

#include <sys/socket.h>

#include "proxy/drained_read.hpp"
#include "proxy/error.hpp"

namespace floodgate::proxy {

namespace {

bool is_usable(upstream_connection& c) {
  return c.stream.socket().is_open() && c.buffer.size() == 0;
}

// A pooled connection the server has closed (or written to unasked) is readable:
// peek without blocking. EAGAIN means idle and healthy.
bool looks_alive(upstream_connection& c) {
  if (!is_usable(c)) return false;
  char byte = 0;
  const auto n = ::recv(c.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

upstream_pool::upstream_pool(net::executor ex, options opts)
    : ex_(ex), opts_(opts), resolver_(std::move(ex)) {}

upstream_pool::upstream_pool(net::executor ex, options opts, resolve_cache::options dns,
                             name_lookup lookup)
    : ex_(std::move(ex)), opts_(opts), resolver_(dns, std::move(lookup)) {}

net::awaitable<std::pair<net::error_code, connection_ptr>> upstream_pool::acquire(
    const config::upstream_config& up, bool allow_pooled, bool probe_idle) {
  const auto n = up.servers.size();
  if (n == 0) co_return std::pair{make_error_code(errc::upstream_connect), connection_ptr{}};
  const auto start = next_[up.name]++;
  // Pass 0 skips servers marked down; pass 1 runs only if every server was down,
  // so that an upstream whose servers all failed recently is tried again at once.
  for (int pass = 0; pass < 2; ++pass) {
    bool tried = false;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& server = up.servers[(start + i) % n];
      auto key = server_key(server);
      if (pass == 0 && is_down(key)) continue;
      tried = true;
      if (allow_pooled) {
        if (auto c = take_idle(key, probe_idle))
          co_return std::pair{net::error_code{}, std::move(c)};
      }
      auto [ec, c] = co_await connect(server, key, up.connect_timeout);
      if (!ec) {
        down_until_.erase(key);
        co_return std::pair{net::error_code{}, std::move(c)};
      }
      down_until_[std::move(key)] = net::clock::now() + opts_.fail_timeout;
    }
    if (tried) break;
  }
  co_return std::pair{make_error_code(errc::upstream_connect), connection_ptr{}};
}

net::awaitable<std::pair<net::error_code, connection_ptr>> upstream_pool::connect(
    const config::endpoint& server, std::string key, std::chrono::milliseconds timeout) {
  // One budget for the name and the connect: a hung DNS server must not hold the
  // request past connect_timeout (the lookup goes on without it, for later requests).
  const auto deadline = net::clock::now() + timeout;
  auto [rec, addresses] = co_await resolver_.resolve(server, deadline);
  if (rec) co_return std::pair{rec, connection_ptr{}};
  auto c = std::make_unique<upstream_connection>(ex_);
  c->server_key = std::move(key);
  c->stream.expires_at(deadline);
  auto [ec, ep] = co_await c->stream.async_connect(addresses);
  if (ec) co_return std::pair{ec, connection_ptr{}};
  c->stream.socket().set_option(net::tcp::no_delay(true), ec);
  net::enable_drain_reports(c->stream.socket().native_handle());
  co_return std::pair{net::error_code{}, std::move(c)};
}

connection_ptr upstream_pool::take_idle(const std::string& key, bool probe) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return {};
  auto& list = it->second;
  const auto now = net::clock::now();
  // Most recently used first: it is the most likely to be alive.
  while (!list.empty()) {
    auto c = std::move(list.back());
    list.pop_back();
    const auto idle = now - c->idle_since;
    const bool check = probe || idle >= opts_.probe_after_idle;
    if (idle < opts_.idle_keepalive && (check ? looks_alive(*c) : is_usable(*c))) {
      c->reused = true;
      return c;
    }
  }
  return {};
}

void upstream_pool::release(connection_ptr c, std::size_t max_idle) {
  if (!c || max_idle == 0 || !c->stream.socket().is_open()) return;
  c->idle_since = net::clock::now();
  c->stream.expires_never();
  c->buffer.clear();
  auto& list = idle_[c->server_key];
  if (list.size() >= max_idle) list.erase(list.begin());  // the oldest goes
  list.push_back(std::move(c));
}

std::size_t upstream_pool::idle_connections() const noexcept {
  std::size_t total = 0;
  for (const auto& [key, list] : idle_) total += list.size();
  return total;
}

void upstream_pool::clear() noexcept {
  idle_.clear();
}

bool upstream_pool::is_down(const std::string& key) const {
  // The clock only for a server marked down: the usual case reads none.
  auto it = down_until_.find(key);
  return it != down_until_.end() && net::clock::now() < it->second;
}

}  // namespace floodgate::proxy
