#pragma once

#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <boost/system/result.hpp>

#include "config/parse_error.hpp"

namespace floodgate::config {

/// An IPv4 or IPv6 network (e.g. 10.0.0.0/8, ::1/128). A bare address is /32 or /128.
/// `network` has its host bits cleared.
struct cidr {
  boost::asio::ip::address network;
  unsigned prefix_length = 0;

  /// True when `a` lies in this network. An IPv4-mapped IPv6 address
  /// (::ffff:10.0.0.1) matches the IPv4 network it maps to, because a dual-stack
  /// listener reports IPv4 clients that way. Thread safe (const).
  [[nodiscard]] bool contains(const boost::asio::ip::address& a) const noexcept;

  /// "10.0.0.0/8".
  [[nodiscard]] std::string to_string() const;
};

/// Parses "addr/len" or a bare address. Host bits beyond the prefix are
/// accepted and cleared (10.1.2.3/8 is 10.0.0.0/8), as nginx does.
///
/// Errors: parse_errc::empty, invalid_address, invalid_prefix.
[[nodiscard]] boost::system::result<cidr> parse_cidr(std::string_view text);

}  // namespace floodgate::config
