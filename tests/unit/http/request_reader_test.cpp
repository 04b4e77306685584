#include "http/request_reader.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/beast/http/error.hpp>

#include "http/error_status.hpp"
#include "http/request_error.hpp"
#include "proxy/error.hpp"

namespace floodgate::http {
namespace {

namespace bh = boost::beast::http;

// Parses a raw header with Beast's own parser, then applies our framing checks.
net::error_code parse(const std::string& raw) {
  request_parser p;
  config::server_config limits;
  apply_limits(p, limits);
  net::error_code ec;
  p.put(boost::asio::buffer(raw), ec);
  if (ec) return ec;
  if (!p.is_header_done()) return bh::error::need_more;
  return check_framing(p.get());
}

// Verifies that a plain request with a length passes.
TEST(request_reader, accepts_plain_request) {
  EXPECT_FALSE(parse("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
  EXPECT_FALSE(parse("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  EXPECT_FALSE(parse("GET /a HTTP/1.0\r\n\r\n"));
}

// Verifies the smuggling variants Beast 1.81 rejects itself, so that a Beast
// upgrade that stops rejecting them fails here.
TEST(request_reader, beast_rejects_content_length_with_chunked) {
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n"),
            bh::error::bad_transfer_encoding);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                  "Content-Length: 3\r\n\r\n"),
            bh::error::bad_content_length);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"),
            bh::error::multiple_content_length);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\n"),
            bh::error::multiple_content_length);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
            bh::error::bad_content_length);
}

// Verifies what Beast lets through and our checks reject.
TEST(request_reader, rejects_ambiguous_transfer_encoding) {
  // Non-chunked coding first, then a length: Beast accepts, the upstream might not agree.
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
                  "Content-Length: 3\r\n\r\n"),
            bh::error::bad_transfer_encoding);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
            bh::error::bad_transfer_encoding);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            bh::error::bad_transfer_encoding);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n"),
            bh::error::bad_transfer_encoding);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n"),
            bh::error::bad_transfer_encoding);
}

// Verifies that HTTP/1.1 needs exactly one Host (RFC 9112 §3.2).
TEST(request_reader, requires_one_host) {
  EXPECT_EQ(parse("GET / HTTP/1.1\r\n\r\n"), bh::error::bad_field);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), bh::error::bad_field);
}

// Verifies that Beast refuses every version but 1.0 and 1.1 with one code, and that
// version_error tells a well-formed other major version (505) from garbage (400).
TEST(request_reader, refuses_other_http_versions) {
  for (const std::string version : {"HTTP/2.0", "HTTP/0.9", "HTTP/1.9", "HTTP/11", "HTTX/1.1"}) {
    const auto raw = "GET / " + version + "\r\nHost: x\r\n\r\n";
    EXPECT_EQ(parse(raw), bh::error::bad_version) << version;
  }
  EXPECT_EQ(version_error("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), request_errc::unsupported_version);
  EXPECT_EQ(version_error("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), request_errc::unsupported_version);
  EXPECT_EQ(version_error("GET / HTTP/0.9\r\n\r\n"), request_errc::unsupported_version);
  EXPECT_EQ(version_error("GET / HTTP/1.9\r\n\r\n"), bh::error::bad_version);
  EXPECT_EQ(version_error("GET / HTTP/2.0x\r\n\r\n"), bh::error::bad_version);
  EXPECT_EQ(version_error("GET /HTTP/2.0\r\n\r\n"), bh::error::bad_version);
  EXPECT_EQ(version_error("HTTP/2.0\r\n\r\n"), bh::error::bad_version);
  EXPECT_EQ(version_error("GET / HTTP/2.0"), bh::error::bad_version);
}

// A parsed header after take_request_target: {error, target, Host}.
struct taken {
  net::error_code ec;
  std::string target;
  std::string host;
};

taken take(const std::string& raw) {
  request_parser p;
  net::error_code ec;
  p.put(boost::asio::buffer(raw), ec);
  EXPECT_FALSE(ec) << raw;
  auto& h = p.get();
  const auto result = take_request_target(h);
  return {result, std::string(h.target()), std::string(h[bh::field::host])};
}

// Verifies the absolute form becomes the origin form with the Host of its authority
// (RFC 9112 §3.2.2), and that other targets stay as they are.
TEST(request_reader, takes_host_and_path_from_absolute_form) {
  const struct {
    std::string raw, target, host;
  } cases[] = {
      {"GET http://api.example.com/v1/items?q=1 HTTP/1.1\r\nHost: other\r\n\r\n", "/v1/items?q=1",
       "api.example.com"},
      {"GET HTTPS://[2001:db8::1]:8443?q HTTP/1.0\r\n\r\n", "/?q", "[2001:db8::1]:8443"},
      {"GET http://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n", "/", "a.example"},
      // Origin form: left as it is.
      {"GET /http://not.absolute/ HTTP/1.1\r\nHost: x\r\n\r\n", "/http://not.absolute/", "x"},
  };
  for (const auto& c : cases) {
    const auto t = take(c.raw);
    EXPECT_FALSE(t.ec) << c.raw;
    EXPECT_EQ(t.target, c.target) << c.raw;
    EXPECT_EQ(t.host, c.host) << c.raw;
  }
}

// Verifies an absolute form whose authority is no Host is refused (400).
TEST(request_reader, rejects_absolute_form_without_a_usable_host) {
  EXPECT_EQ(take("GET http:///x HTTP/1.1\r\nHost: x\r\n\r\n").ec, bh::error::bad_target);
  EXPECT_EQ(take("GET http://user:pw@api.example.com/ HTTP/1.1\r\nHost: x\r\n\r\n").ec,
            bh::error::bad_target);
  EXPECT_EQ(take("GET http://a\"b/ HTTP/1.1\r\nHost: x\r\n\r\n").ec, bh::error::bad_target);
  EXPECT_EQ(error_status(bh::error::bad_target), bh::status::bad_request);
}

// Verifies the asterisk and authority forms are refused (400, as NGINX): no route
// could match them, and CONNECT tunnels nothing here.
TEST(request_reader, rejects_asterisk_and_authority_forms) {
  EXPECT_EQ(take("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").ec, bh::error::bad_target);
  EXPECT_EQ(take("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n").ec,
            bh::error::bad_target);
  EXPECT_EQ(take("GET x/y HTTP/1.1\r\nHost: x\r\n\r\n").ec, bh::error::bad_target);
}

// Verifies obs-fold detection stays within the header block.
TEST(request_reader, detects_obs_fold) {
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n"));
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\t2\r\n\r\n"));
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nX-A: 1\r\n 2"));  // header still incomplete
  EXPECT_FALSE(has_obs_fold("GET / HTTP/1.1\r\nHost: x\r\n\r\n body starts with a space"));
  EXPECT_FALSE(has_obs_fold("GET / HTTP/1.1\r\nHost: x y\r\n\r\n"));
}

// Verifies the one mapping from errors to statuses (STYLE.md §5).
TEST(error_status, maps_errors) {
  using bh::status;
  EXPECT_EQ(error_status(bh::error::header_limit), status::request_header_fields_too_large);
  EXPECT_EQ(error_status(bh::error::body_limit), status::payload_too_large);
  EXPECT_EQ(error_status(bh::error::bad_chunk), status::bad_request);
  EXPECT_EQ(error_status(bh::error::bad_transfer_encoding), status::bad_request);
  EXPECT_EQ(error_status(boost::beast::error::timeout), status::request_timeout);
  EXPECT_EQ(error_status(request_errc::unsupported_version), status::http_version_not_supported);
  EXPECT_EQ(error_status(proxy::errc::upstream_connect), status::bad_gateway);
  EXPECT_EQ(error_status(proxy::errc::upstream_protocol), status::bad_gateway);
  EXPECT_EQ(error_status(proxy::errc::upstream_timeout), status::gateway_timeout);
}

// Verifies local error bodies are small JSON documents with a length.
TEST(error_status, error_response_is_json) {
  auto res = error_response(bh::status::payload_too_large, false);
  EXPECT_EQ(res.body(), R"({"error":"payload_too_large"})");
  EXPECT_EQ(res[bh::field::content_type], "application/json");
  EXPECT_EQ(res[bh::field::content_length], std::to_string(res.body().size()));
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(error_response(bh::status::bad_request, true).body(), R"({"error":"bad_request"})");
}

}  // namespace
}  // namespace floodgate::http
