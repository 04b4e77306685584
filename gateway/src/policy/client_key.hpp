#pragma once

#include <span>
#include <string>
#include <string_view>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/fields.hpp>

#include "config/config.hpp"

namespace floodgate::policy {

/// The client address as seen through `trusted` proxies.
///
/// When the TCP `peer` is a trusted proxy, the X-Forwarded-For `chain` (all header
/// instances joined with ',') is walked from the right while hops are trusted; the first
/// untrusted hop is the client. An untrusted peer's X-Forwarded-For is ignored (a client
/// can write anything there). Unparsable hops stop the walk at the last good address.
/// IPv4-mapped IPv6 addresses are reported as IPv4.
[[nodiscard]] boost::asio::ip::address resolve_client_ip(const boost::asio::ip::address& peer,
                                                         std::string_view chain,
                                                         std::span<const config::cidr> trusted);

/// Parses one X-Forwarded-For element: "1.2.3.4", "1.2.3.4:80", "[::1]:80", "::1".
/// Returns the unspecified address on failure.
[[nodiscard]] boost::asio::ip::address parse_forwarded_hop(std::string_view hop) noexcept;

/// Every X-Forwarded-For field of `fields` joined with ',' (in order of appearance).
[[nodiscard]] std::string forwarded_for_chain(const boost::beast::http::fields& fields);

/// Who a request is limited as.
struct client_key {
  /// Human readable identity recorded in analytics: the IP, the header value, or "global".
  std::string value;
  /// Part of the store key: distinguishes an API key "1.2.3.4" from the address 1.2.3.4.
  config::key_source::kind kind = config::key_source::kind::ip;
};

/// Resolves the route's `key` list: the first source present wins (`ip` and `global`
/// always are); when no listed header is present the client IP is used, as
/// `client_ip_text` (its address_text(), which the session has per connection).
[[nodiscard]] client_key resolve_client_key(std::span<const config::key_source> sources,
                                            const boost::beast::http::fields& fields,
                                            std::string_view client_ip_text);

/// The same for an address whose text is not known yet.
[[nodiscard]] client_key resolve_client_key(std::span<const config::key_source> sources,
                                            const boost::beast::http::fields& fields,
                                            const boost::asio::ip::address& client_ip);

/// Store key for `client` on `route`: "route:kind:value". Bytes outside printable ASCII, and
/// '%', '{', '}' (Redis hash-tag delimiters), are %-escaped; values longer than
/// `max_value_bytes` after escaping are replaced by "sha1:<hex>" so a huge header cannot
/// inflate memory or Redis keys.
[[nodiscard]] std::string store_key(std::string_view route, const client_key& client,
                                    std::size_t max_value_bytes = 128);

}  // namespace floodgate::policy
