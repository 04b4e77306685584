#include "http/request_reader.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include "http/request_error.hpp"
#include "text/ascii.hpp"

namespace floodgate::http {

namespace {

using beast_http::field;

constexpr std::size_t read_size = 4096;

// What an authority (host and port) may hold: RFC 3986 reg-name, IP literals in
// brackets, and the port. Used for the Host field and an absolute-form target.
// A table, not find_first_not_of over the set: this runs on every request's Host.
constexpr std::array<bool, 256> authority_chars = [] {
  std::array<bool, 256> t{};
  for (const unsigned char c : std::string_view{
           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&'()*+,;=:[]"})
    t[c] = true;
  return t;
}();

bool valid_authority(std::string_view authority) noexcept {
  return std::all_of(authority.begin(), authority.end(),
                     [](char c) { return authority_chars[static_cast<unsigned char>(c)]; });
}

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), text::is_digit);
}

}  // namespace

void apply_limits(request_parser& p, const config::server_config& limits) {
  p.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  p.body_limit(limits.max_body_bytes);
}

bool has_obs_fold(std::string_view text) noexcept {
  const auto end = text.find("\r\n\r\n");
  // Only the header block: a body may well start with a space.
  const auto header = text.substr(0, end == std::string_view::npos ? text.size() : end + 2);
  for (auto pos = header.find("\r\n"); pos != std::string_view::npos;
       pos = header.find("\r\n", pos + 2)) {
    if (pos + 2 < header.size() && (header[pos + 2] == ' ' || header[pos + 2] == '\t')) return true;
  }
  return false;
}

net::error_code check_framing(const beast_http::request_header<>& h) {
  // One walk comparing field enums: count() and operator[] each search Beast's
  // tree comparing names case-insensitively, which was 2% of a proxied request.
  std::size_t te_count = 0;
  std::size_t content_length_count = 0;
  std::size_t host_count = 0;
  boost::beast::string_view te;
  bool plain_content_length = true;
  bool valid_host = true;
  for (const auto& f : h) {
    switch (f.name()) {
      case field::transfer_encoding:
        ++te_count;
        te = f.value();
        break;
      case field::content_length:
        ++content_length_count;
        plain_content_length = all_digits({f.value().data(), f.value().size()});
        break;
      case field::host:
        ++host_count;
        valid_host = valid_authority({f.value().data(), f.value().size()});
        break;
      default:
        break;
    }
  }
  if (te_count > 0) {
    if (te_count > 1 || content_length_count > 0) return beast_http::error::bad_transfer_encoding;
    // Exactly "chunked" (as NGINX): anything else leaves the body length ambiguous
    // between us and the upstream (RFC 9112 §6.3), and the field goes upstream as it
    // came, so ",chunked", "chunked;q=1" or "chunked , ," would reach a server that
    // may read them otherwise than Beast did.
    if (!boost::beast::iequals(te, "chunked")) return beast_http::error::bad_transfer_encoding;
  }
  // One Content-Length of plain digits: Beast also takes repeated equal values ("5, 5"
  // or two lines), which go upstream as they came and which a strict server refuses or
  // another proxy reads differently; NGINX refuses a duplicate line too.
  if (content_length_count > 1 || !plain_content_length)
    return beast_http::error::bad_content_length;
  // Host at most once in any version (RFC 9112 §3.2; exactly once in HTTP/1.1), and
  // a valid authority: it goes upstream and into X-Forwarded-Host.
  if (host_count > 1 || !valid_host) return beast_http::error::bad_field;
  if (h.version() >= 11 && host_count != 1) return beast_http::error::bad_field;
  return {};
}

net::error_code version_error(std::string_view header_text) noexcept {
  const auto line_end = header_text.find("\r\n");
  if (line_end == std::string_view::npos) return beast_http::error::bad_version;
  const auto line = header_text.substr(0, line_end);
  // "HTTP/" DIGIT "." DIGIT at the end of the request line, after a space.
  constexpr std::size_t version_size = 8;
  if (line.size() <= version_size || line[line.size() - version_size - 1] != ' ')
    return beast_http::error::bad_version;
  const auto version = line.substr(line.size() - version_size);
  if (!version.starts_with("HTTP/") || !text::is_digit(version[5]) || version[6] != '.' ||
      !text::is_digit(version[7]) || version[5] == '1')
    return beast_http::error::bad_version;
  return request_errc::unsupported_version;
}

net::error_code take_request_target(beast_http::request_header<>& h) {
  const std::string_view target{h.target().data(), h.target().size()};
  // A request target has no fragment (RFC 9112 §3.2). Routed on the text before the
  // '#' or resolved with it ("/admin#/../x" as "/x"), it would pass a route's limit
  // by a spelling the upstream may read as "/admin": 400, as for any bad target.
  if (target.find('#') != std::string_view::npos) return beast_http::error::bad_target;
  std::size_t scheme_end = 0;
  if (boost::beast::iequals(target.substr(0, 7), "http://")) {
    scheme_end = 7;
  } else if (boost::beast::iequals(target.substr(0, 8), "https://")) {
    scheme_end = 8;
  } else if (target.starts_with('/')) {
    return {};  // origin form
  } else {
    // Asterisk form (`OPTIONS *`) or authority form (CONNECT's `host:port`): a
    // reverse proxy routes paths and tunnels nothing by CONNECT, so neither has a
    // route. 400, as NGINX answers both, rather than a 404 that suggests a path.
    return beast_http::error::bad_target;
  }
  const auto rest = target.substr(scheme_end);
  const auto authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const auto authority = rest.substr(0, authority_end);
  // Host and port only: no userinfo (RFC 9110 §4.2.4 says to treat it as an error), and
  // nothing that would not be valid in a Host field.
  if (authority.empty() || !valid_authority(authority)) return beast_http::error::bad_target;
  std::string origin_form;
  if (authority_end == rest.size() || rest[authority_end] != '/') origin_form = "/";
  origin_form.append(rest.substr(authority_end));
  // Copies first: both views point into the header that set() and target() rewrite.
  const std::string host{authority};
  h.set(field::host, host);
  h.target(origin_form);
  return {};
}

net::awaitable<header_read> read_request_header(net::tcp_stream& stream,
                                                boost::beast::flat_buffer& buffer,
                                                request_parser& p,
                                                const config::server_config& limits,
                                                std::chrono::milliseconds idle, bool* idle_flag) {
  header_read result;
  auto deadline = net::clock::now() + idle;
  bool header_clock_started = false;
  for (;;) {
    if (buffer.size() > 0) {
      if (!header_clock_started) {
        header_clock_started = true;
        result.received_any = true;
        if (idle_flag != nullptr) *idle_flag = false;
        deadline = std::min(deadline, net::clock::now() + limits.header_timeout);
      }
      // Empty lines before the request line are ignored (RFC 9112 §2.2): some clients
      // end a body with an extra CRLF. Beast takes nothing of a header until it is
      // whole, so these are always in front of the request line.
      while (buffer.size() >= 2 && static_cast<const char*>(buffer.data().data())[0] == '\r' &&
             static_cast<const char*>(buffer.data().data())[1] == '\n')
        buffer.consume(2);
      if (buffer.size() == 0) continue;
      const auto data = buffer.data();
      if (has_obs_fold({static_cast<const char*>(data.data()), data.size()})) {
        result.ec = beast_http::error::bad_value;
        co_return result;
      }
      net::error_code ec;
      const auto n = p.put(data, ec);
      buffer.consume(n);
      if (!ec && p.is_header_done()) {
        result.ec = check_framing(p.get());
        if (!result.ec) result.ec = take_request_target(p.get());
        co_return result;
      }
      if (ec == beast_http::error::bad_version) {
        result.ec = version_error({static_cast<const char*>(data.data()), data.size()});
        co_return result;
      }
      if (ec && ec != beast_http::error::need_more) {
        result.ec = ec;
        co_return result;
      }
      if (buffer.size() > limits.max_header_bytes) {
        result.ec = beast_http::error::header_limit;
        co_return result;
      }
    }
    stream.expires_at(deadline);
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(read_size));
    buffer.commit(n);
    if (ec) {
      if (ec == boost::asio::error::eof && buffer.size() == 0)
        ec = beast_http::error::end_of_stream;
      else if (ec == boost::asio::error::eof)
        ec = beast_http::error::partial_message;
      result.ec = ec;
      co_return result;
    }
  }
}

}  // namespace floodgate::http
