#include "config/endpoint.hpp"

#include <algorithm>
#include <charconv>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>

namespace floodgate::config {
namespace {

bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

boost::system::result<std::uint16_t> parse_port(std::string_view text) noexcept {
  if (text.empty()) return parse_errc::missing_port;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
    return parse_errc::invalid_port;
  }
  return static_cast<std::uint16_t>(value);
}

/// Checks an unbracketed host: a DNS name or a dotted IPv4 address.
bool valid_plain_host(std::string_view host) {
  if (!std::all_of(host.begin(), host.end(), is_name_char)) return false;
  // Labels of 1-63 characters that neither start nor end with '-' ("a..b", "-bad-" and
  // ".x" fail to resolve only at the first request otherwise).
  for (std::string_view rest = host; !rest.empty();) {
    const auto dot = rest.find('.');
    const auto label = rest.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
    if (rest.empty()) return false;  // "a." : a trailing dot is not written in config
  }
  const bool dotted_numbers = std::all_of(
      host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  if (!dotted_numbers) return true;
  // "999.0.0.1" is neither a usable name nor an address: reject it here
  // rather than at bind time.
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address_v4(std::string(host), ec);
  return !ec;
}

}  // namespace

std::string endpoint::to_string() const {
  const std::string port_text = std::to_string(port);
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port_text;
  return host + ":" + port_text;
}

boost::system::result<endpoint> parse_endpoint(std::string_view text) {
  if (text.empty()) return parse_errc::empty;

  std::string_view host;
  std::string_view rest;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return parse_errc::invalid_host;
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
    boost::system::error_code ec;
    (void)boost::asio::ip::make_address_v6(std::string(host), ec);
    if (ec) return parse_errc::invalid_host;
    if (rest.empty() || rest.front() != ':') return parse_errc::missing_port;
    rest.remove_prefix(1);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return parse_errc::missing_port;
    host = text.substr(0, colon);
    rest = text.substr(colon + 1);
    if (host.empty()) return parse_errc::empty_host;
    // An IPv6 address needs brackets, otherwise its last group reads as a port.
    if (host.find(':') != std::string_view::npos) return parse_errc::unbracketed_ipv6;
    if (!valid_plain_host(host)) return parse_errc::invalid_host;
  }
  if (host.empty()) return parse_errc::empty_host;

  auto port = parse_port(rest);
  if (!port) return port.error();
  return endpoint{std::string(host), *port};
}

}  // namespace floodgate::config
