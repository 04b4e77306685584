#pragma once

#include <chrono>
#include <functional>
#include <string_view>
#include <variant>

#include "db_pool.hpp"
#include "reply.hpp"

namespace floodgate::dashboard {

/// Which worker threads run a request that needs PostgreSQL: /health has its own thread
/// and connection, so it answers even while every API worker is stuck.
enum class lane { api, health };

/// A request that needs PostgreSQL: `work` blocks, so it runs on a worker thread of
/// its lane. If no worker takes it within `start_within`, or it has not finished
/// within `answer_within`, the client gets `if_late` instead (and `work` is skipped if
/// it had not started).
struct blocking_request {
  lane on = lane::api;
  std::function<reply()> work;  ///< never throws
  std::chrono::milliseconds start_within{0};
  std::chrono::milliseconds answer_within{0};
  reply if_late;
};

/// What a request gets: a reply made at once, without PostgreSQL (the page, its assets,
/// 400/404/405), or a blocking_request.
using routed = std::variant<reply, blocking_request>;

/// Maps one request to its reply: the page and its assets, /health and the /api
/// endpoints. Never throws: PostgreSQL being unreachable or too slow is a 503, any other
/// failure a logged 500. route() never blocks: call it on the I/O thread.
class router {
 public:
  router(db_pool& api_pool, db_pool& health_pool)
      : api_pool_(api_pool), health_pool_(health_pool) {}

  /// `method` as sent ("GET"); `target` the request target ("/api/summary?window=1h").
  [[nodiscard]] routed route(std::string_view method, std::string_view target) const noexcept;

 private:
  [[nodiscard]] routed dispatch(std::string_view method, std::string_view target) const;

  db_pool& api_pool_;
  db_pool& health_pool_;
};

}  // namespace floodgate::dashboard
