#pragma once

#include <chrono>
#include <string>

namespace floodgate::analytics {

/// One row of decision_events (SPEC.md, PostgreSQL).
struct decision_event {
  std::chrono::system_clock::time_point ts;
  std::string gateway_id;
  std::string route;
  std::string client_key;
  std::string method;
  std::string path;
  std::string decision;   // allowed | blocked | shadow_blocked | fail_open | fail_closed
  std::string algorithm;  // of the most restrictive limit; empty when none
  int status = 0;
  double latency_ms = 0;
};

}  // namespace floodgate::analytics
