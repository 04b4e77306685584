#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace floodgate::proxy {

/// What the proxy needs to know of a response head of the common form.
struct simple_response_head {
  unsigned status = 0;
  std::uint64_t content_length = 0;
  bool keep_alive = true;  // HTTP/1.1 without "Connection: close"
  std::size_t size = 0;    // bytes of the head, the blank line included
};

/// Parses the upstream response head at the start of `bytes` when it is complete
/// and of the form almost every backend sends: "HTTP/1.1", a status of 200-599
/// other than 204 and 304, a non-empty reason, one Content-Length of plain digits,
/// no Transfer-Encoding, Upgrade or Proxy-Connection, Connection (if any) exactly
/// "keep-alive" or "close", no obs-fold, every byte valid for its place. Writes the
/// downstream status line and the forwarded fields into `head` as
/// upstream_response_parser does (the same hop-by-hop fields dropped, and the
/// upstream's rate-limit fields when `drop_rate_limit_fields`).
///
/// Anything else, including a head not yet complete, returns nullopt without
/// judging it: the caller clears `head` and gives the same bytes to Beast's parser,
/// which accepts, rejects or waits for more by its own rules. So this path only
/// ever accepts a subset of what Beast accepts, with the same meaning; it exists
/// because Beast's parser costs about 350 instructions per field (a byte-at-a-time
/// scan and a field-table lookup per name), about a seventh of a proxied request.
[[nodiscard]] std::optional<simple_response_head> parse_simple_response_head(
    std::string_view bytes, std::string& head, bool drop_rate_limit_fields = false);

}  // namespace floodgate::proxy
