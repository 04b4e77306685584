// A blocking HTTP/1.1 client for the dashboard tests: one request per connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace floodgate::test {

struct http_reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

/// Sends `method target` to 127.0.0.1:port and reads the whole reply (`timeout`).
/// Throws boost::system::system_error on network failures.
[[nodiscard]] http_reply http_request(std::uint16_t port, const std::string& target,
                                      const std::string& method = "GET",
                                      std::chrono::seconds timeout = std::chrono::seconds(5));

}  // namespace floodgate::test
