#pragma once

#include <chrono>
#include <memory>
#include <utility>

#include "config/config.hpp"
#include "proxy/async.hpp"
#include "proxy/name_lookup.hpp"

namespace floodgate::proxy {

/// Resolved addresses of upstream servers. IP literals are parsed without a resolver;
/// names are looked up on first use and kept for `ttl` (a reload that changes a server's
/// name resolves it afresh, because the key is the name). DNS never holds a request
/// past its deadline: a request with no address yet waits for the lookup until then
/// only, one lookup per name serves every request that needs it, and an expired entry
/// is refreshed in the background while requests keep its addresses, also when the
/// refresh fails (stale-on-error). One per io_context: not thread safe.
class resolve_cache {
 public:
  struct options {
    std::chrono::milliseconds ttl{60'000};
    // After a failed lookup, a name is not looked up again for this long: requests
    // keep the previous addresses, or fail at once when there are none.
    std::chrono::milliseconds retry_after_failure{5'000};
  };

  /// Looks names up with getaddrinfo (system_name_lookup).
  explicit resolve_cache(net::executor ex);
  resolve_cache(options opts, name_lookup lookup);
  ~resolve_cache();
  resolve_cache(const resolve_cache&) = delete;
  resolve_cache& operator=(const resolve_cache&) = delete;

  /// The addresses of `server`; waits for a lookup until `deadline` at most, then fails
  /// with beast::error::timeout. Completes on the caller's executor. Called only when a
  /// new upstream connection is opened, so the copy is cheap.
  net::awaitable<std::pair<net::error_code, endpoints>> resolve(const config::endpoint& server,
                                                                net::clock::time_point deadline);

 private:
  struct state;
  // Shared with the lookups in flight: one that ends after the cache is destroyed
  // (its worker is gone) fills this state, never a destroyed cache.
  std::shared_ptr<state> state_;
};

}  // namespace floodgate::proxy
