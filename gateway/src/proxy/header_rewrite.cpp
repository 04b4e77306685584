#include "proxy/header_rewrite.hpp"

#include <array>
#include <string_view>
#include <vector>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "proxy/address_text.hpp"

namespace floodgate::proxy {

namespace {

using beast_http::field;

// Fields that never travel past one hop. Transfer-Encoding is handled by framing.
constexpr std::string_view x_forwarded_for = "X-Forwarded-For";
constexpr std::string_view x_forwarded_proto = "X-Forwarded-Proto";
constexpr std::string_view x_forwarded_host = "X-Forwarded-Host";

constexpr std::array hop_by_hop{
    field::keep_alive, field::proxy_connection,   field::te,
    field::trailer,    field::proxy_authenticate, field::proxy_authorization,
};

// Names listed in Connection must be collected before Connection itself is erased
// (its value owns the views).
std::vector<std::string> connection_options(const beast_http::fields& f) {
  std::vector<std::string> names;
  for (auto it = f.find(field::connection); it != f.end() && it->name() == field::connection;
       ++it) {
    for (auto token : beast_http::token_list{it->value()}) {
      if (boost::beast::iequals(token, "close") || boost::beast::iequals(token, "keep-alive") ||
          boost::beast::iequals(token, "upgrade"))
        continue;
      names.emplace_back(token);
    }
  }
  return names;
}

}  // namespace

bool is_websocket_upgrade(const beast_http::request_header<>& h) {
  return boost::beast::websocket::is_upgrade(h);
}

void remove_hop_by_hop(beast_http::fields& f, bool keep_upgrade) {
  if (f.count(field::connection) != 0) {
    for (const auto& name : connection_options(f)) {
      // Never let Connection strip the framing or the fields the proxy itself sets.
      if (boost::beast::iequals(name, "content-length") ||
          boost::beast::iequals(name, "transfer-encoding") || boost::beast::iequals(name, "host"))
        continue;
      f.erase(name);
    }
  }
  for (auto name : hop_by_hop) f.erase(name);
  if (keep_upgrade) {
    f.set(field::connection, "Upgrade");
  } else {
    f.erase(field::connection);
    f.erase(field::upgrade);
  }
}

void prepare_upstream_request(beast_http::request_header<>& h, const boost::asio::ip::address& peer,
                              bool websocket) {
  remove_hop_by_hop(h, websocket);
  h.erase(field::expect);
  h.version(11);

  // Beast has no field enum for these: use the names (matched case-insensitively).
  const auto peer_text = address_text(peer);
  if (auto it = h.find(x_forwarded_for); it != h.end()) {
    std::string value;
    value.reserve(it->value().size() + 2 + peer_text.size());
    value.append(it->value()).append(", ").append(peer_text);
    h.set(x_forwarded_for, value);
  } else {
    h.set(x_forwarded_for, peer_text);
  }
  h.set(x_forwarded_proto, "http");
  if (auto it = h.find(field::host); it != h.end()) {
    h.set(x_forwarded_host, it->value());
  } else {
    h.erase(x_forwarded_host);
  }
}

void prepare_downstream_response(beast_http::response_header<>& h, header_list extra,
                                 bool websocket) {
  remove_hop_by_hop(h, websocket && h.result() == beast_http::status::switching_protocols);
  h.version(11);
  append_fields(h, extra);
}

void append_fields(beast_http::fields& f, header_list extra) {
  for (const auto& [name, value] : extra) f.insert(name, value);
}

}  // namespace floodgate::proxy
