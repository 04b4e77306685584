#include "redis/redis_url.hpp"

#include <charconv>

namespace floodgate::redis {

namespace {

template <typename Int>
bool parse_int(std::string_view s, Int& out, int base = 10) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

// Percent-decoding lets passwords contain ':', '@' or '/'.
std::string decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char byte = 0;
    if (s[i] == '%' && i + 3 <= s.size() && parse_int(s.substr(i + 1, 2), byte, 16)) {
      out += static_cast<char>(byte);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

boost::system::result<int, std::string> parse_db(std::string_view s) {
  int db = 0;
  if (!parse_int(s, db) || db < 0)
    return "database must be a non-negative integer, got '" + std::string(s) + "'";
  return db;
}

boost::system::result<redis_endpoint, std::string> parse_unix(std::string_view rest) {
  redis_endpoint ep;
  ep.unix_socket = true;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    auto query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (query.rfind("db=", 0) != 0) return std::string("unix URL query must be ?db=N");
    auto db = parse_db(query.substr(3));
    if (!db) return db.error();
    ep.db = *db;
  }
  if (rest.empty() || rest.front() != '/') return std::string("unix URL needs an absolute path");
  ep.path = std::string(rest);
  return ep;
}

boost::system::result<redis_endpoint, std::string> parse_tcp(std::string_view rest) {
  redis_endpoint ep;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    auto db_text = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db_text.empty()) {
      auto db = parse_db(db_text);
      if (!db) return db.error();
      ep.db = *db;
    }
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    auto userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      ep.password = decode(userinfo);  // redis://secret@host, as redis-cli accepts
    } else {
      ep.username = decode(userinfo.substr(0, colon));
      ep.password = decode(userinfo.substr(colon + 1));
    }
  }
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::string("unterminated '[' in IPv6 host");
    ep.host = std::string(rest.substr(1, close - 1));
    auto after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::string("expected ':' after IPv6 host");
      port_text = after.substr(1);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    ep.host = std::string(rest.substr(0, colon));
    port_text = rest.substr(colon + 1);
  } else {
    ep.host = std::string(rest);
  }
  if (ep.host.empty()) return std::string("missing host");
  if (!port_text.empty() && (!parse_int(port_text, ep.port) || ep.port == 0))
    return "port must be 1-65535, got '" + std::string(port_text) + "'";
  return ep;
}

}  // namespace

boost::system::result<redis_endpoint, std::string> parse_redis_url(std::string_view url) {
  constexpr std::string_view redis_scheme = "redis://";
  constexpr std::string_view unix_scheme = "unix://";
  if (url.rfind(redis_scheme, 0) == 0) return parse_tcp(url.substr(redis_scheme.size()));
  if (url.rfind(unix_scheme, 0) == 0) return parse_unix(url.substr(unix_scheme.size()));
  return "unsupported URL '" + std::string(url) +
         "': expected redis://[:password@]host:port[/db] or unix:///path";
}

}  // namespace floodgate::redis
