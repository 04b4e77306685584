#pragma once

#include <string>

#include "config/config.hpp"

namespace floodgate::proxy {

/// "host:port" of a configured server: the key of the upstream pool and the DNS cache.
[[nodiscard]] inline std::string server_key(const config::endpoint& server) {
  std::string key = server.host;
  key += ':';
  key += std::to_string(server.port);
  return key;
}

}  // namespace floodgate::proxy
