#pragma once

// The DNS lookup behind resolve_cache, as a function so that tests can stand in a
// resolver that answers late, never, or with an error.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "proxy/async.hpp"

namespace floodgate::proxy {

using endpoints = std::vector<net::tcp::endpoint>;

/// Receives the outcome of one lookup: an error, or at least one address.
using lookup_done = std::function<void(net::error_code, endpoints)>;

/// Starts looking up `host`; calls `done` exactly once, later (never from inside the
/// call), on the caller's io_context, however long the lookup takes.
using name_lookup = std::function<void(const std::string& host, std::uint16_t port, lookup_done)>;

/// getaddrinfo on Asio's resolver thread. A running getaddrinfo cannot be cancelled
/// (it ends when glibc gives up), so callers bound their wait, not the lookup.
[[nodiscard]] name_lookup system_name_lookup(net::executor ex);

}  // namespace floodgate::proxy
