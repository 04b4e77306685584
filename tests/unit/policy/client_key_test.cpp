#include "policy/client_key.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>

namespace floodgate::policy {
namespace {

namespace ip = boost::asio::ip;
using kind = config::key_source::kind;

std::vector<config::cidr> nets(std::initializer_list<std::string_view> texts) {
  std::vector<config::cidr> out;
  for (const auto t : texts) out.push_back(config::parse_cidr(t).value());
  return out;
}

std::string client_of(std::string_view peer, std::string_view chain,
                      const std::vector<config::cidr>& trusted) {
  return resolve_client_ip(ip::make_address(peer), chain, trusted).to_string();
}

// Verifies an untrusted peer is the client whatever X-Forwarded-For claims (spoofing).
TEST(resolve_client_ip, untrusted_peer_ignores_forwarded_for) {
  const auto trusted = nets({"10.0.0.0/8"});
  EXPECT_EQ(client_of("203.0.113.9", "1.1.1.1", trusted), "203.0.113.9");
  EXPECT_EQ(client_of("203.0.113.9", "", {}), "203.0.113.9");
  EXPECT_EQ(client_of("10.0.0.1", "1.1.1.1", {}), "10.0.0.1");  // nothing trusted
}

// Verifies the walk goes right to left and stops at the first untrusted hop, so a client
// cannot pick its identity by prepending addresses.
TEST(resolve_client_ip, walks_from_the_right_while_trusted) {
  const auto trusted = nets({"10.0.0.0/8", "192.168.1.1"});
  EXPECT_EQ(client_of("10.0.0.1", "198.51.100.7", trusted), "198.51.100.7");
  EXPECT_EQ(client_of("10.0.0.1", "198.51.100.7, 192.168.1.1", trusted), "198.51.100.7");
  // Spoofed: the client wrote "1.2.3.4" itself; the trusted proxy appended the real address.
  EXPECT_EQ(client_of("10.0.0.1", "1.2.3.4, 198.51.100.7", trusted), "198.51.100.7");
  EXPECT_EQ(client_of("10.0.0.1", "1.2.3.4,198.51.100.7,10.9.9.9", trusted), "198.51.100.7");
}

// Verifies a chain of only trusted hops yields its leftmost address.
TEST(resolve_client_ip, all_trusted_gives_leftmost) {
  const auto trusted = nets({"10.0.0.0/8"});
  EXPECT_EQ(client_of("10.0.0.1", "10.1.1.1, 10.2.2.2", trusted), "10.1.1.1");
}

// Verifies garbage in the chain stops the walk at the last address a trusted hop vouched for.
TEST(resolve_client_ip, garbage_stops_the_walk) {
  const auto trusted = nets({"10.0.0.0/8"});
  EXPECT_EQ(client_of("10.0.0.1", "unknown", trusted), "10.0.0.1");
  EXPECT_EQ(client_of("10.0.0.1", "1.1.1.1, 10.0.0.2, not-an-ip", trusted), "10.0.0.1");
  EXPECT_EQ(client_of("10.0.0.1", "1.1.1.1, , 10.0.0.2", trusted), "1.1.1.1");  // empty skipped
}

// Verifies IPv6, bracketed and port forms, and IPv4-mapped peers.
TEST(resolve_client_ip, address_forms) {
  const auto trusted = nets({"::1/128", "10.0.0.0/8"});
  EXPECT_EQ(client_of("::1", "2001:db8::5", trusted), "2001:db8::5");
  EXPECT_EQ(client_of("::1", "[2001:db8::5]:4711", trusted), "2001:db8::5");
  EXPECT_EQ(client_of("::1", "198.51.100.7:8080", trusted), "198.51.100.7");
  EXPECT_EQ(client_of("::ffff:10.0.0.1", "198.51.100.7", trusted), "198.51.100.7");
  EXPECT_EQ(client_of("::ffff:203.0.113.1", "", trusted), "203.0.113.1");
}

// Verifies every X-Forwarded-For field counts, in order.
TEST(forwarded_for_chain, joins_repeated_fields) {
  boost::beast::http::fields f;
  f.insert("X-Forwarded-For", "1.1.1.1, 2.2.2.2");
  f.insert("Host", "x");
  f.insert("x-forwarded-for", "3.3.3.3");
  EXPECT_EQ(forwarded_for_chain(f), "1.1.1.1, 2.2.2.2,3.3.3.3");
  EXPECT_EQ(forwarded_for_chain(boost::beast::http::fields{}), "");
}

// Verifies the first present source wins and missing headers fall back to the IP.
TEST(resolve_client_key, first_present_wins) {
  const auto client = ip::make_address("198.51.100.7");
  const std::vector<config::key_source> api_then_ip{{kind::header, "X-API-Key"}, {kind::ip, {}}};
  boost::beast::http::fields with_key;
  with_key.set("x-api-key", "  secret-1 ");
  auto k = resolve_client_key(api_then_ip, with_key, client);
  EXPECT_EQ(k.value, "secret-1");
  EXPECT_EQ(k.kind, kind::header);

  k = resolve_client_key(api_then_ip, boost::beast::http::fields{}, client);
  EXPECT_EQ(k.value, "198.51.100.7");
  EXPECT_EQ(k.kind, kind::ip);

  boost::beast::http::fields empty_key;
  empty_key.set("X-API-Key", "");
  EXPECT_EQ(resolve_client_key(api_then_ip, empty_key, client).kind, kind::ip);

  // Only headers listed, none present: fall back to the IP anyway.
  const std::vector<config::key_source> headers_only{{kind::header, "A"}, {kind::header, "B"}};
  boost::beast::http::fields b;
  b.set("B", "bee");
  EXPECT_EQ(resolve_client_key(headers_only, b, client).value, "bee");
  EXPECT_EQ(resolve_client_key(headers_only, {}, client).value, "198.51.100.7");

  const std::vector<config::key_source> global{{kind::global, {}}};
  EXPECT_EQ(resolve_client_key(global, with_key, client).value, "global");
}

// Verifies an API key equal to an address does not share the address's bucket.
TEST(store_key, kinds_are_separate) {
  const auto by_ip = store_key("data", {"1.2.3.4", kind::ip});
  const auto by_header = store_key("data", {"1.2.3.4", kind::header});
  EXPECT_EQ(by_ip, "data:ip:1.2.3.4");
  EXPECT_EQ(by_header, "data:hdr:1.2.3.4");
  EXPECT_EQ(store_key("data", {"global", kind::global}), "data:global:global");
}

// Verifies control bytes, spaces and Redis hash-tag braces are escaped.
TEST(store_key, escapes) {
  EXPECT_EQ(store_key("r", {"a b{c}%\x01\xff", kind::header}), "r:hdr:a%20b%7Bc%7D%25%01%FF");
}

// Verifies long values become a fixed-size digest, distinct per value and stable.
TEST(store_key, hashes_long_values) {
  const std::string long_a(5000, 'a');
  const std::string long_b = std::string(4999, 'a') + "b";
  const auto a = store_key("r", {long_a, kind::header});
  ASSERT_TRUE(a.starts_with("r:hdr:sha1:"));
  EXPECT_EQ(a.size(), std::string_view("r:hdr:sha1:").size() + 40);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef", 11), std::string::npos);
  EXPECT_NE(a, store_key("r", {long_b, kind::header}));
  EXPECT_EQ(a, store_key("r", {long_a, kind::header}));
  // SHA-1 of "abc", the FIPS 180 test vector: the digest is the real one, not a hash of the day.
  EXPECT_EQ(store_key("r", {"abc", kind::header}, 2),
            "r:hdr:sha1:a9993e364706816aba3e25717850c26c9cd0d89d");
  // At the limit the escaped value is kept as is.
  EXPECT_EQ(store_key("r", {"abc", kind::header}, 3), "r:hdr:abc");
}

}  // namespace
}  // namespace floodgate::policy
