#pragma once

#include <string_view>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

namespace floodgate::proxy {

/// The hop-by-hop fields of RFC 9110 §7.6.1 (and the old Keep-Alive and
/// Proxy-Connection): meaningful for one connection only, never forwarded.
/// simple_response_head.cpp matches the same names as text (it never looks up a
/// field enum); its tests compare the two paths on every one of them.
[[nodiscard]] inline bool hop_by_hop(boost::beast::http::field name) noexcept {
  using boost::beast::http::field;
  switch (name) {
    case field::connection:
    case field::keep_alive:
    case field::proxy_connection:
    case field::te:
    case field::trailer:
    case field::upgrade:
    case field::proxy_authenticate:
    case field::proxy_authorization:
      return true;
    default:
      return false;
  }
}

/// The rate-limit fields the gateway writes itself (X-RateLimit-Limit/-Remaining/
/// -Reset/-Strategy, RateLimit, RateLimit-Policy). On a route that sends its own,
/// an upstream's fields of these names are dropped, as Kong replaces them: two sets
/// from two layers would tell a client two different things about one request.
[[nodiscard]] inline bool rate_limit_field(std::string_view name) noexcept {
  using boost::beast::iequals;
  switch (name.size()) {  // one comparison for almost every other field
    case 9:
      return iequals(name, "ratelimit");
    case 16:
      return iequals(name, "ratelimit-policy");
    case 17:
      return iequals(name, "x-ratelimit-limit") || iequals(name, "x-ratelimit-reset");
    case 20:
      return iequals(name, "x-ratelimit-strategy");
    case 21:
      return iequals(name, "x-ratelimit-remaining");
    default:
      return false;
  }
}

/// True when a token of Connection names a field to drop. Connection's own options
/// are not field names, and it may never strip the framing or Host: the proxy
/// relies on them (a peer could otherwise desynchronise the two connections).
[[nodiscard]] inline bool connection_removes(std::string_view token) noexcept {
  using boost::beast::iequals;
  return !(iequals(token, "close") || iequals(token, "keep-alive") || iequals(token, "upgrade") ||
           iequals(token, "content-length") || iequals(token, "transfer-encoding") ||
           iequals(token, "host"));
}

}  // namespace floodgate::proxy
