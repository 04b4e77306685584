#pragma once

// The text of a client address, as address::to_string() writes it, for the
// per-request paths (the limiter key, X-Forwarded-For).

#include <array>
#include <charconv>
#include <string>

#include <boost/asio/ip/address.hpp>

namespace floodgate::proxy {

/// Same text as `a.to_string()`. IPv4 is formatted here: Boost's to_string goes
/// through inet_ntop, which formats IPv4 with sprintf (several thousand
/// instructions, twice per limited request). IPv6 keeps Boost's formatting.
inline std::string address_text(const boost::asio::ip::address& a) {
  if (!a.is_v4()) return a.to_string();
  const auto bytes = a.to_v4().to_bytes();
  std::string text;
  text.reserve(15);  // "255.255.255.255": no reallocation
  std::array<char, 3> octet{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) text += '.';
    const auto end =
        std::to_chars(octet.data(), octet.data() + octet.size(), static_cast<unsigned>(bytes[i]))
            .ptr;
    text.append(octet.data(), end);
  }
  return text;
}

}  // namespace floodgate::proxy
