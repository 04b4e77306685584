#pragma once

#include <system_error>
#include <type_traits>

#include <boost/system/error_code.hpp>

namespace floodgate::config {

/// Why a single configuration value could not be parsed (parse_duration,
/// parse_size, parse_endpoint, parse_cidr). The loader turns these into
/// user-facing problems; the message is short and lower case.
enum class parse_errc {
  empty = 1,
  invalid_number,
  invalid_unit,
  negative,
  out_of_range,
  missing_port,
  invalid_port,
  empty_host,
  invalid_host,
  unbracketed_ipv6,
  invalid_address,
  invalid_prefix,
};

/// The category of parse_errc ("floodgate.config"). Thread safe.
[[nodiscard]] const boost::system::error_category& parse_category() noexcept;

[[nodiscard]] inline boost::system::error_code make_error_code(parse_errc e) noexcept {
  return {static_cast<int>(e), parse_category()};
}

}  // namespace floodgate::config

template <>
struct boost::system::is_error_code_enum<floodgate::config::parse_errc> : std::true_type {};
