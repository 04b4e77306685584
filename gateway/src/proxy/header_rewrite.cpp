#include "proxy/header_rewrite.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/container/small_vector.hpp>

#include "proxy/hop_by_hop.hpp"

namespace floodgate::proxy {

namespace {

using beast_http::field;
using boost::beast::iequals;

constexpr std::string_view x_forwarded_for = "X-Forwarded-For";
constexpr std::string_view x_forwarded_proto = "X-Forwarded-Proto";
constexpr std::string_view x_forwarded_host = "X-Forwarded-Host";

// Field names listed in Connection (views into the header, which is not modified).
using name_views = boost::container::small_vector<std::string_view, 8>;

name_views connection_options(const beast_http::fields& f) {
  name_views names;
  // A walk over the few fields comparing enums is cheaper than find(), which
  // compares names case-insensitively down Beast's tree.
  for (const auto& connection : f) {
    if (connection.name() != field::connection) continue;
    for (auto token : beast_http::token_list{connection.value()}) {
      const std::string_view name{token.data(), token.size()};
      if (connection_removes(name)) names.push_back(name);
    }
  }
  return names;
}

// A field that travels: not hop-by-hop (Upgrade kept for a WebSocket handshake,
// whose Connection the writer adds itself) and not named in Connection.
bool forwarded(const beast_http::fields::value_type& f, const name_views& named,
               bool keep_upgrade) {
  if (f.name() == field::upgrade) return keep_upgrade;
  if (hop_by_hop(f.name())) return false;
  const std::string_view name{f.name_string().data(), f.name_string().size()};
  for (auto n : named) {
    if (iequals(n, name)) return false;
  }
  return true;
}

void append_field(std::string& out, const beast_http::fields::value_type& f) {
  append_header_line(out, {f.name_string().data(), f.name_string().size()},
                     {f.value().data(), f.value().size()});
}

std::string_view trim_ows(std::string_view s) {
  s.remove_prefix(std::min(s.find_first_not_of(" \t"), s.size()));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The upstream's transfer codings without "chunked" (the relay decodes chunks and
// frames the body itself) and without empty list elements, rebuilt as a clean list,
// then "chunked" again when the body goes out chunked. None at all to an HTTP/1.0
// client, which must not be sent Transfer-Encoding (RFC 9112 §6.1).
void append_transfer_encoding(std::string& out, std::string_view upstream_te, bool chunked,
                              bool client_http10) {
  if (client_http10) return;
  bool any = false;
  const auto append_coding = [&](std::string_view coding) {
    out.append(any ? ", " : "Transfer-Encoding: ").append(coding);
    any = true;
  };
  while (!upstream_te.empty()) {
    const auto comma = upstream_te.find(',');
    const auto element = trim_ows(upstream_te.substr(0, comma));
    upstream_te.remove_prefix(comma == std::string_view::npos ? upstream_te.size() : comma + 1);
    if (element.empty()) continue;
    const auto coding = trim_ows(element.substr(0, element.find(';')));
    if (iequals(coding, "chunked")) continue;
    append_coding(element);
  }
  if (chunked) append_coding("chunked");
  if (any) out.append("\r\n");
}

}  // namespace

bool is_websocket_upgrade(const beast_http::request_header<>& h) {
  return boost::beast::websocket::is_upgrade(h);
}

void write_upstream_request_head(std::string& out, const beast_http::request_header<>& h,
                                 std::string_view peer, bool websocket,
                                 std::string_view host_if_missing) {
  const auto method = h.method_string();
  const auto target = h.target();
  out.append(method.data(), method.size()).append(" ");
  out.append(target.data(), target.size()).append(" HTTP/1.1\r\n");

  const auto named = connection_options(h);
  // X-Forwarded-For: every value the client sent, in order, then the peer.
  boost::container::small_vector<std::string_view, 2> forwarded_for;
  std::string_view host;
  bool has_host = false;
  for (const auto& f : h) {
    if (!forwarded(f, named, websocket) || f.name() == field::expect) continue;
    const std::string_view name{f.name_string().data(), f.name_string().size()};
    const std::string_view value{f.value().data(), f.value().size()};
    if (iequals(name, x_forwarded_for)) {
      forwarded_for.push_back(value);
      continue;
    }
    // Set by the proxy from what it saw, whatever the client claimed.
    if (iequals(name, x_forwarded_proto) || iequals(name, x_forwarded_host)) continue;
    if (f.name() == field::host && !has_host) {
      host = value;
      has_host = true;
    }
    append_field(out, f);
  }
  out.append(x_forwarded_for).append(": ");
  for (auto v : forwarded_for) out.append(v).append(", ");
  out.append(peer).append("\r\n");
  append_header_line(out, x_forwarded_proto, "http");
  if (has_host) {
    append_header_line(out, x_forwarded_host, host);
  } else {
    // Only an HTTP/1.0 client may leave Host out, and an HTTP/1.1 request without
    // it is one the upstream must reject (RFC 9112 §3.2).
    append_header_line(out, "Host", host_if_missing);
  }
  if (websocket) append_header_line(out, "Connection", "Upgrade");
  out.append("\r\n");
}

void finish_downstream_response_head(std::string& out, std::string_view upstream_te,
                                     header_list extra, const response_framing& f) {
  append_transfer_encoding(out, upstream_te, f.chunked, f.client_http10);
  if (f.upgrade) {
    append_header_line(out, "Connection", "Upgrade");
  } else if (!f.keep_alive) {
    append_header_line(out, "Connection", "close");
  } else if (f.client_http10) {
    append_header_line(out, "Connection", "keep-alive");
  }
  out.append(extra.text());
  out.append("\r\n");
}

void append_fields(beast_http::fields& f, header_list extra) {
  for (const auto& [name, value] : extra.fields()) f.insert(name, value);
}

}  // namespace floodgate::proxy
