#pragma once

#include <boost/system/error_code.hpp>

namespace floodgate::proxy {

/// The proxy's own failures, mapped to statuses by http::error_status
/// (modelled on boost/beast/http/error.hpp).
enum class errc {
  upstream_connect = 1,  // no server of the upstream accepted a connection -> 502
  upstream_timeout,      // no complete response within the upstream's timeout -> 504
  upstream_protocol,     // the upstream closed early or sent a malformed response -> 502
  no_upstream,           // the plan named no upstream (a handler bug) -> 502
};

[[nodiscard]] const boost::system::error_category& proxy_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), proxy_category()};
}

}  // namespace floodgate::proxy

template <>
struct boost::system::is_error_code_enum<floodgate::proxy::errc> : std::true_type {};
