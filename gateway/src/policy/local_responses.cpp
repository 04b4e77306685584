#include "policy/local_responses.hpp"

namespace floodgate::policy {

namespace http = boost::beast::http;

namespace {

std::string_view up_down(const std::optional<bool>& up) noexcept {
  if (!up) return "disabled";
  return *up ? "up" : "down";
}

}  // namespace

local_response make_local_response(unsigned status, std::string_view content_type, std::string body,
                                   unsigned version) {
  local_response res{static_cast<http::status>(status), version};
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

std::string rate_limited_body(std::string_view route, std::int64_t retry_after_s) {
  return R"({"error": "rate_limited", "route": )" + json_string(route) + R"(, "retry_after": )" +
         std::to_string(retry_after_s) + "}";
}

std::string limiter_unavailable_body(std::string_view route) {
  return R"({"error": "limiter_unavailable", "route": )" + json_string(route) + "}";
}

std::string not_found_body(std::string_view path) {
  return R"({"error": "not_found", "path": )" + json_string(path) + "}";
}

std::string ambiguous_path_body(std::string_view path) {
  return R"({"error": "ambiguous_path", "path": )" + json_string(path) + "}";
}

local_response health_response(const health_status& h, unsigned version) {
  const bool degraded = (h.redis_up && !*h.redis_up) || (h.analytics_up && !*h.analytics_up) ||
                        h.circuit != limit::circuit_state::closed;
  // SPEC keeps `status` to ok|degraded; draining is told by the 503 itself.
  const std::string_view status = degraded ? "degraded" : "ok";
  std::string body = R"({"status": ")" + std::string(status) + R"(", "redis": ")" +
                     std::string(up_down(h.redis_up)) + R"(", "circuit": ")" +
                     std::string(limit::to_string(h.circuit)) + R"(", "analytics": ")" +
                     std::string(up_down(h.analytics_up)) + "\"}";
  return make_local_response(h.draining ? 503 : 200, "application/json", std::move(body), version);
}

}  // namespace floodgate::policy
