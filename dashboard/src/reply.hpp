#pragma once

#include <string>
#include <string_view>

namespace floodgate::dashboard {

/// What the HTTP layer sends back for one request; kept free of Beast types so the
/// handlers are plain functions that tests can call directly.
struct reply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  /// API data is live: browsers and proxies must never reuse it.
  std::string cache_control = "no-store";
};

/// A JSON error reply: {"error": code, "message": message}.
[[nodiscard]] reply error_reply(unsigned status, std::string_view code, std::string_view message);

}  // namespace floodgate::dashboard
