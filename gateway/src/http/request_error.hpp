#pragma once

#include <boost/system/error_code.hpp>

namespace floodgate::http {

/// Requests that parse but that the gateway will not serve, beyond Beast's own parse
/// errors (which all become 400). Mapped to statuses by http::error_status.
enum class request_errc {
  // "HTTP/2.0", "HTTP/0.9", ...: only HTTP/1 is spoken here; RFC 9110 §15.6.6 answers
  // another major version with 505 (NGINX does so for HTTP/2.0 and above).
  unsupported_version = 1,
};

[[nodiscard]] const boost::system::error_category& request_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(request_errc e) noexcept {
  return {static_cast<int>(e), request_category()};
}

}  // namespace floodgate::http

template <>
struct boost::system::is_error_code_enum<floodgate::http::request_errc> : std::true_type {};
