#include "policy/client_key.hpp"

#include <array>
#include <cstdio>

#include <boost/uuid/detail/sha1.hpp>

#include "proxy/address_text.hpp"

namespace floodgate::policy {

namespace net = boost::asio;
using boost::asio::ip::address;

namespace {

std::string_view trim(std::string_view s) noexcept {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

address normalize(const address& a) noexcept {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  }
  return a;
}

bool is_trusted(const address& a, std::span<const config::cidr> trusted) noexcept {
  for (const auto& net : trusted) {
    if (net.contains(a)) return true;
  }
  return false;
}

std::string_view kind_tag(config::key_source::kind k) noexcept {
  switch (k) {
    case config::key_source::kind::ip:
      return "ip";
    case config::key_source::kind::header:
      return "hdr";
    case config::key_source::kind::global:
      return "global";
  }
  return "ip";
}

bool needs_escape(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u >= 0x7f || c == '%' || c == '{' || c == '}';
}

// Appends `value` with each byte that needs it %-escaped; the runs that do not (all
// of an IP address or a usual API key) are appended whole.
void append_escaped(std::string& out, std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::size_t run = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (!needs_escape(value[i])) continue;
    const auto u = static_cast<unsigned char>(value[i]);
    out.append(value.substr(run, i - run));
    const std::array<char, 3> escaped{'%', hex[u >> 4], hex[u & 0x0f]};
    out.append(escaped.data(), escaped.size());
    run = i + 1;
  }
  out.append(value.substr(run));
}

std::string sha1_hex(std::string_view data) {
  boost::uuids::detail::sha1 h;
  h.process_bytes(data.data(), data.size());
  boost::uuids::detail::sha1::digest_type digest;
  h.get_digest(digest);
  std::string out;
  out.reserve(40);
  std::array<char, 9> word{};
  for (const auto part : digest) {
    std::snprintf(word.data(), word.size(), "%08x", part);
    out += word.data();
  }
  return out;
}

}  // namespace

address parse_forwarded_hop(std::string_view hop) noexcept {
  hop = trim(hop);
  if (hop.starts_with('[')) {
    // "[v6]" or "[v6]:port"
    const auto close = hop.find(']');
    if (close == std::string_view::npos) return {};
    hop = hop.substr(1, close - 1);
  } else if (hop.find(':') != std::string_view::npos && hop.find(':') == hop.rfind(':')) {
    // A single colon can only be "v4:port"; bare IPv6 has at least two.
    hop = hop.substr(0, hop.find(':'));
  }
  boost::system::error_code ec;
  const auto a = net::ip::make_address(hop, ec);
  if (ec) return {};
  return normalize(a);
}

std::string forwarded_for_chain(const boost::beast::http::fields& fields) {
  std::string chain;
  for (auto [it, end] = fields.equal_range("X-Forwarded-For"); it != end; ++it) {
    if (!chain.empty()) chain += ',';
    chain += it->value();
  }
  return chain;
}

address resolve_client_ip(const address& peer, std::string_view chain,
                          std::span<const config::cidr> trusted) {
  address client = normalize(peer);
  // Walk right to left: each element was appended by the hop to its right, so it is only as
  // believable as that hop. Stop at the first hop we do not trust.
  while (is_trusted(client, trusted) && !chain.empty()) {
    const auto comma = chain.rfind(',');
    const auto hop_text = comma == std::string_view::npos ? chain : chain.substr(comma + 1);
    chain = comma == std::string_view::npos ? std::string_view{} : chain.substr(0, comma);
    if (trim(hop_text).empty()) continue;
    const auto hop = parse_forwarded_hop(hop_text);
    if (hop.is_unspecified()) break;  // garbage: keep the last address we could vouch for
    client = hop;
  }
  return client;
}

client_key resolve_client_key(std::span<const config::key_source> sources,
                              const boost::beast::http::fields& fields,
                              std::string_view client_ip_text) {
  using kind = config::key_source::kind;
  for (const auto& source : sources) {
    switch (source.type) {
      case kind::ip:
        return {std::string(client_ip_text), kind::ip};
      case kind::global:
        return {"global", kind::global};
      case kind::header: {
        const auto it = fields.find(source.header);
        if (it == fields.end()) break;
        const auto value = trim(it->value());
        if (value.empty()) break;  // an empty API key identifies nobody
        return {std::string(value), kind::header};
      }
    }
  }
  return {std::string(client_ip_text), kind::ip};
}

client_key resolve_client_key(std::span<const config::key_source> sources,
                              const boost::beast::http::fields& fields, const address& client_ip) {
  return resolve_client_key(sources, fields, proxy::address_text(client_ip));
}

std::string store_key(std::string_view route, const client_key& client,
                      std::size_t max_value_bytes) {
  const auto tag = kind_tag(client.kind);
  std::string key;
  key.reserve(route.size() + tag.size() + client.value.size() + 2);
  key.append(route).append(":").append(tag).append(":");
  const auto value_at = key.size();
  append_escaped(key, client.value);
  if (key.size() - value_at > max_value_bytes) {
    key.resize(value_at);
    key.append("sha1:").append(sha1_hex(client.value));
  }
  return key;
}

}  // namespace floodgate::policy
