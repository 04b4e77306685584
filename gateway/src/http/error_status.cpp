#include "http/error_status.hpp"

#include <string>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include "http/request_error.hpp"
#include "proxy/error.hpp"

namespace floodgate::http {

beast_http::status error_status(const boost::system::error_code& ec) noexcept {
  using beast_http::status;
  if (ec == beast_http::error::header_limit) return status::request_header_fields_too_large;
  if (ec == beast_http::error::body_limit) return status::payload_too_large;
  if (ec == boost::beast::error::timeout) return status::request_timeout;
  if (ec == request_errc::unsupported_version) return status::http_version_not_supported;
  // Every other Beast parse error, and the framing checks that reuse its codes.
  if (ec.category() == beast_http::make_error_code(beast_http::error::bad_method).category())
    return status::bad_request;
  if (ec == proxy::errc::upstream_timeout) return status::gateway_timeout;
  if (ec.category() == proxy::proxy_category()) return status::bad_gateway;
  return status::internal_server_error;
}

std::string_view error_name(beast_http::status s) noexcept {
  using beast_http::status;
  switch (s) {
    case status::bad_request:
      return "bad_request";
    case status::request_timeout:
      return "request_timeout";
    case status::payload_too_large:
      return "payload_too_large";
    case status::request_header_fields_too_large:
      return "request_header_fields_too_large";
    case status::bad_gateway:
      return "bad_gateway";
    case status::gateway_timeout:
      return "gateway_timeout";
    case status::service_unavailable:
      return "service_unavailable";
    case status::not_found:
      return "not_found";
    case status::http_version_not_supported:
      return "http_version_not_supported";
    default:
      return "internal_error";
  }
}

beast_http::response<beast_http::string_body> error_response(beast_http::status s, bool keep_alive,
                                                             unsigned version) {
  beast_http::response<beast_http::string_body> res{s, version == 10 ? 10U : 11U};
  res.set(beast_http::field::content_type, "application/json");
  std::string body = R"({"error":")";
  body += error_name(s);
  body += "\"}";
  res.body() = std::move(body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

}  // namespace floodgate::http
