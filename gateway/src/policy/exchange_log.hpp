#pragma once

#include <chrono>
#include <string>

#include <floodgate/limit/limiter.hpp>

namespace floodgate::policy {

/// One finished request/response exchange, as the policy saw it.
struct exchange {
  std::string route;  // empty when no route matched
  limit::decision decision = limit::decision::unlimited;
  std::string client_key;  // empty for unlimited routes (no key is resolved)
  std::string method;
  std::string path;
  std::string algorithm;  // of the most restrictive limit; empty without a verdict
  std::chrono::system_clock::time_point decided_at{};
  std::chrono::steady_clock::time_point started{};  // request header read
};

/// Where the policy reports what it did: metrics, analytics, access log.
/// Called from every worker thread: implementations are thread safe and never block.
class exchange_log {
 public:
  virtual ~exchange_log() = default;

  /// Time spent in limiter::async_decide for one request.
  virtual void limiter_duration(std::chrono::steady_clock::duration d) = 0;

  /// The exchange ended; `status` was sent downstream (0: the client went away),
  /// `latency` is header-read to end, upstream included.
  virtual void completed(const exchange& e, unsigned status,
                         std::chrono::steady_clock::duration latency) = 0;
};

}  // namespace floodgate::policy
