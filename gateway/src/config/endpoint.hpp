#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "config/parse_error.hpp"

namespace floodgate::config {

/// host:port as written in routes.yaml (host may be a name, IPv4 or [IPv6]).
struct endpoint {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;

  /// "host:port", with brackets around an IPv6 host ("[::1]:8000").
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const endpoint&, const endpoint&) = default;
};

/// Parses "host:port", "1.2.3.4:80" or "[::1]:80". The port must be 1-65535; a
/// host made only of digits and dots must be a valid IPv4 address; an IPv6
/// address must be in brackets. Names are not resolved.
///
/// Errors: parse_errc::empty, missing_port, invalid_port, empty_host, invalid_host,
/// unbracketed_ipv6.
[[nodiscard]] boost::system::result<endpoint> parse_endpoint(std::string_view text);

}  // namespace floodgate::config
