#include "app/store_factory.hpp"

namespace floodgate::app {

made_store make_store(const config::config& cfg,
                      const std::vector<boost::asio::any_io_executor>& executors) {
  made_store out;
  if (!cfg.redis) {
    auto memory = std::make_shared<limit::memory_store>(limit::memory_store::clock_function{},
                                                        cfg.server.max_limit_states);
    out.memory = memory.get();
    out.store = std::move(memory);
    return out;
  }
  auto redis = std::make_shared<redis::redis_store>(
      redis::redis_options{.url = cfg.redis->url,
                           .timeout = cfg.redis->timeout,
                           .key_prefix = cfg.redis->key_prefix},
      executors);
  // Connecting is asynchronous: until a connection is up, checks fail and the routes'
  // failure_mode answers, exactly as during an outage.
  redis->start();
  out.redis = redis.get();
  out.store = std::move(redis);
  return out;
}

}  // namespace floodgate::app
