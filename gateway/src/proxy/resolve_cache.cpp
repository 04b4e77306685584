#include "proxy/resolve_cache.hpp"

#include <boost/asio/ip/address.hpp>

namespace floodgate::proxy {

resolve_cache::resolve_cache(net::executor ex, std::chrono::seconds ttl)
    : resolver_(std::move(ex)), ttl_(ttl) {}

net::awaitable<std::pair<net::error_code, resolve_cache::endpoints>> resolve_cache::resolve(
    const config::endpoint& server) {
  std::string key = server.host;
  key += ':';
  key += std::to_string(server.port);
  const auto now = net::clock::now();
  if (auto it = entries_.find(key); it != entries_.end() && now - it->second.resolved_at < ttl_)
    co_return std::pair{net::error_code{}, it->second.addresses};

  entry fresh{{}, now};
  // "[::1]" in routes.yaml is an IPv6 literal; strip the brackets before parsing.
  std::string host = server.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  net::error_code parse_ec;
  const auto literal = boost::asio::ip::make_address(host, parse_ec);
  if (!parse_ec) {
    fresh.addresses.emplace_back(literal, server.port);
  } else {
    auto [ec, results] = co_await resolver_.async_resolve(host, std::to_string(server.port));
    if (ec) co_return std::pair{ec, endpoints{}};
    for (const auto& r : results) fresh.addresses.push_back(r.endpoint());
  }
  auto addresses = fresh.addresses;
  entries_.insert_or_assign(std::move(key), std::move(fresh));
  co_return std::pair{net::error_code{}, std::move(addresses)};
}

}  // namespace floodgate::proxy
