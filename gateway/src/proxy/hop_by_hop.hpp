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
