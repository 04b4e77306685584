#pragma once

#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <boost/system/result.hpp>

namespace floodgate::config {

/// An IPv4 or IPv6 network (e.g. 10.0.0.0/8, ::1/128). A bare address is /32 or /128.
struct cidr {
  boost::asio::ip::address network;
  unsigned prefix_length = 0;

  [[nodiscard]] bool contains(const boost::asio::ip::address& a) const noexcept;
};

[[nodiscard]] boost::system::result<cidr> parse_cidr(std::string_view text);

}  // namespace floodgate::config
