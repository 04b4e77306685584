#pragma once

#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <floodgate/limit/memory_store.hpp>
#include <floodgate/limit/store.hpp>
#include <floodgate/redis/redis_store.hpp>

#include "config/config.hpp"

namespace floodgate::app {

struct made_store {
  std::shared_ptr<limit::store> store;
  redis::redis_store* redis = nullptr;    // == store.get() when the limits live in Redis
  limit::memory_store* memory = nullptr;  // == store.get() when they live in this process
};

/// The backend choice (STYLE §1): `redis:` present -> a started redis_store with one
/// connection per executor; absent -> a memory_store (one process only).
[[nodiscard]] made_store make_store(const config::config& cfg,
                                    const std::vector<boost::asio::any_io_executor>& executors);

}  // namespace floodgate::app
