#pragma once

#include <boost/system/error_code.hpp>

namespace floodgate::limit {

/// floodgate's own limiter failures (modelled on boost/beast/http/error.hpp).
/// Values are stable (logged and counted): append only.
enum class errc {
  redis_timeout = 1,  // no reply within redis.timeout
  redis_unavailable,  // not connected / connection lost / connect refused
  circuit_open,       // the breaker refused the call without trying
  script_error,       // Redis answered with an error or an unexpected reply
  auth_failed,        // AUTH or SELECT refused
  invalid_limit,      // a limit_spec the stores cannot evaluate exactly (see is_supported)
};

/// The category of errc: name "floodgate.limit", a message per value.
[[nodiscard]] const boost::system::error_category& limiter_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), limiter_category()};
}

}  // namespace floodgate::limit

template <>
struct boost::system::is_error_code_enum<floodgate::limit::errc> : std::true_type {};
