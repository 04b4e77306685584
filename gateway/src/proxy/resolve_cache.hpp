#pragma once

#include <chrono>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "proxy/async.hpp"

namespace floodgate::proxy {

/// Resolved addresses of upstream servers, so that a request never waits for DNS.
/// IP literals are parsed without a resolver; names are resolved on first use and
/// kept for `ttl` (a reload that changes a server's name resolves it afresh,
/// because the key is the name). One per io_context: not thread safe.
class resolve_cache {
 public:
  using endpoints = std::vector<net::tcp::endpoint>;

  explicit resolve_cache(net::executor ex, std::chrono::seconds ttl = std::chrono::seconds(60));

  /// The addresses of `server`, resolving when absent or stale. Completes on `ex`.
  /// Called only when a new upstream connection is opened, so the copy is cheap.
  net::awaitable<std::pair<net::error_code, endpoints>> resolve(const config::endpoint& server);

 private:
  struct entry {
    endpoints addresses;
    net::clock::time_point resolved_at;
  };

  net::tcp_resolver resolver_;
  std::chrono::seconds ttl_;
  std::unordered_map<std::string, entry> entries_;  // key: host:port
};

}  // namespace floodgate::proxy
