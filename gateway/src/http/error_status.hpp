#pragma once

#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

namespace floodgate::http {

namespace beast_http = boost::beast::http;

/// The one place where failures become statuses (STYLE.md §5):
/// Beast's header_limit -> 431, body_limit -> 413, any other parse error -> 400,
/// a request in another HTTP major version than 1 -> 505,
/// a request header that did not arrive in time -> 408, upstream connect -> 502,
/// upstream timeout -> 504, anything else on the upstream side -> 502.
[[nodiscard]] beast_http::status error_status(const boost::system::error_code& ec) noexcept;

/// The `error` code of a local error body: "bad_request", "payload_too_large", ...
[[nodiscard]] std::string_view error_name(beast_http::status status) noexcept;

/// A small JSON error response (`{"error":"bad_request"}`) with Content-Length
/// set, in the client's HTTP `version` (11 or 10): `keep_alive` false adds
/// `Connection: close`, and true to an HTTP/1.0 client `Connection: keep-alive`,
/// without which it would wait for a close that does not come.
[[nodiscard]] beast_http::response<beast_http::string_body> error_response(
    beast_http::status status, bool keep_alive, unsigned version = 11);

}  // namespace floodgate::http
