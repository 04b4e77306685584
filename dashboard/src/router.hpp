#pragma once

#include <string_view>

#include "db_pool.hpp"
#include "reply.hpp"

namespace floodgate::dashboard {

/// Maps one request to its reply: the page and its assets, /health and the /api
/// endpoints. Never throws: PostgreSQL being unreachable is a 503, any other
/// failure a logged 500. Blocks on PostgreSQL; call it from a worker thread.
class router {
 public:
  explicit router(db_pool& pool) : pool_(pool) {}

  /// `method` as sent ("GET"); `target` the request target ("/api/summary?window=1h").
  [[nodiscard]] reply handle(std::string_view method, std::string_view target) const noexcept;

 private:
  [[nodiscard]] reply dispatch(std::string_view method, std::string_view target) const;

  db_pool& pool_;
};

}  // namespace floodgate::dashboard
