#include <gtest/gtest.h>

#include "config/cidr.hpp"
#include "config/duration.hpp"
#include "config/endpoint.hpp"

namespace floodgate::config {
namespace {

using namespace std::chrono_literals;
using boost::asio::ip::make_address;

// Verifies every unit and the bare-seconds form, fractions included.
TEST(parse_duration, units) {
  EXPECT_EQ(parse_duration("250ms").value(), 250ms);
  EXPECT_EQ(parse_duration("2s").value(), 2s);
  EXPECT_EQ(parse_duration("5m").value(), 5min);
  EXPECT_EQ(parse_duration("1h").value(), 1h);
  EXPECT_EQ(parse_duration("1d").value(), 24h);
  EXPECT_EQ(parse_duration("30").value(), 30s);
  EXPECT_EQ(parse_duration("0.5").value(), 500ms);
  EXPECT_EQ(parse_duration("1.5s").value(), 1500ms);
  EXPECT_EQ(parse_duration("0.25m").value(), 15s);
  EXPECT_EQ(parse_duration("0").value(), 0ms);
}

// Verifies sub-millisecond fractions round to the nearest millisecond.
TEST(parse_duration, rounds_to_milliseconds) {
  EXPECT_EQ(parse_duration("1.4ms").value(), 1ms);
  EXPECT_EQ(parse_duration("0.0016").value(), 2ms);
  EXPECT_EQ(parse_duration("0.0004").value(), 0ms);
}

// Verifies malformed text is refused with the reason.
TEST(parse_duration, errors) {
  EXPECT_EQ(parse_duration("").error(), parse_errc::empty);
  EXPECT_EQ(parse_duration("-1s").error(), parse_errc::negative);
  EXPECT_EQ(parse_duration("s").error(), parse_errc::invalid_number);
  EXPECT_EQ(parse_duration("5 minutes").error(), parse_errc::invalid_unit);
  EXPECT_EQ(parse_duration("1w").error(), parse_errc::invalid_unit);
  EXPECT_EQ(parse_duration("1e3").error(), parse_errc::invalid_unit);
  EXPECT_EQ(parse_duration("1.2.3s").error(), parse_errc::invalid_number);
  EXPECT_EQ(parse_duration("5S").error(), parse_errc::invalid_unit);
  EXPECT_EQ(parse_duration("4000d").error(), parse_errc::out_of_range);
}

// Verifies durations print in the largest exact unit.
TEST(format_duration, largest_exact_unit) {
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(2s), "2s");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(5min), "5m");
  EXPECT_EQ(format_duration(90min), "90m");
  EXPECT_EQ(format_duration(24h), "1d");
  EXPECT_EQ(format_duration(0ms), "0ms");
}

// Verifies byte sizes with binary suffixes in either case.
TEST(parse_size, suffixes) {
  EXPECT_EQ(parse_size("16384").value(), 16384u);
  EXPECT_EQ(parse_size("16k").value(), 16u * 1024);
  EXPECT_EQ(parse_size("10M").value(), 10u * 1024 * 1024);
  EXPECT_EQ(parse_size("1g").value(), 1024ull * 1024 * 1024);
  EXPECT_EQ(parse_size("0").value(), 0u);
  EXPECT_EQ(parse_size("").error(), parse_errc::empty);
  EXPECT_EQ(parse_size("-1").error(), parse_errc::negative);
  EXPECT_EQ(parse_size("1.5k").error(), parse_errc::invalid_unit);
  EXPECT_EQ(parse_size("10kb").error(), parse_errc::invalid_unit);
  EXPECT_EQ(parse_size("k").error(), parse_errc::invalid_number);
  EXPECT_EQ(parse_size("99999999999999999999").error(), parse_errc::out_of_range);
  EXPECT_EQ(parse_size("17179869184g").error(), parse_errc::out_of_range);
}

// Verifies names, IPv4 and bracketed IPv6 hosts, and the round trip to text.
TEST(parse_endpoint, accepted_forms) {
  EXPECT_EQ(parse_endpoint("0.0.0.0:8000").value(), (endpoint{"0.0.0.0", 8000}));
  EXPECT_EQ(parse_endpoint("localhost:1").value(), (endpoint{"localhost", 1}));
  EXPECT_EQ(parse_endpoint("redis-1.internal:65535").value(),
            (endpoint{"redis-1.internal", 65535}));
  EXPECT_EQ(parse_endpoint("[::1]:9001").value(), (endpoint{"::1", 9001}));
  EXPECT_EQ(parse_endpoint("[::1]:9001")->to_string(), "[::1]:9001");
  EXPECT_EQ(parse_endpoint("127.0.0.1:80")->to_string(), "127.0.0.1:80");
}

// Verifies each malformed form gets its own reason.
TEST(parse_endpoint, errors) {
  EXPECT_EQ(parse_endpoint("").error(), parse_errc::empty);
  EXPECT_EQ(parse_endpoint("localhost").error(), parse_errc::missing_port);
  EXPECT_EQ(parse_endpoint("localhost:").error(), parse_errc::missing_port);
  EXPECT_EQ(parse_endpoint(":80").error(), parse_errc::empty_host);
  EXPECT_EQ(parse_endpoint("host:0").error(), parse_errc::invalid_port);
  EXPECT_EQ(parse_endpoint("host:65536").error(), parse_errc::invalid_port);
  EXPECT_EQ(parse_endpoint("host:http").error(), parse_errc::invalid_port);
  EXPECT_EQ(parse_endpoint("::1:80").error(), parse_errc::unbracketed_ipv6);
  EXPECT_EQ(parse_endpoint("[::1]").error(), parse_errc::missing_port);
  EXPECT_EQ(parse_endpoint("[::1:80").error(), parse_errc::invalid_host);
  EXPECT_EQ(parse_endpoint("[nope]:80").error(), parse_errc::invalid_host);
  EXPECT_EQ(parse_endpoint("300.1.1.1:80").error(), parse_errc::invalid_host);
  EXPECT_EQ(parse_endpoint("bad host:80").error(), parse_errc::invalid_host);
}

// Verifies membership at the edges of IPv4 networks.
TEST(cidr, ipv4_contains) {
  const cidr net = parse_cidr("10.1.0.0/16").value();
  EXPECT_TRUE(net.contains(make_address("10.1.0.0")));
  EXPECT_TRUE(net.contains(make_address("10.1.255.255")));
  EXPECT_FALSE(net.contains(make_address("10.2.0.0")));
  EXPECT_FALSE(net.contains(make_address("10.0.255.255")));
  EXPECT_FALSE(net.contains(make_address("::1")));

  const cidr odd = parse_cidr("192.168.1.128/25").value();
  EXPECT_TRUE(odd.contains(make_address("192.168.1.200")));
  EXPECT_FALSE(odd.contains(make_address("192.168.1.127")));

  const cidr everything = parse_cidr("0.0.0.0/0").value();
  EXPECT_TRUE(everything.contains(make_address("203.0.113.9")));
}

// Verifies a bare address is a single host and host bits are cleared.
TEST(cidr, bare_address_and_host_bits) {
  const cidr host = parse_cidr("127.0.0.1").value();
  EXPECT_EQ(host.prefix_length, 32u);
  EXPECT_TRUE(host.contains(make_address("127.0.0.1")));
  EXPECT_FALSE(host.contains(make_address("127.0.0.2")));

  const cidr masked = parse_cidr("10.1.2.3/8").value();
  EXPECT_EQ(masked.to_string(), "10.0.0.0/8");
  EXPECT_EQ(parse_cidr("2001:db8::1/32")->to_string(), "2001:db8::/32");
}

// Verifies IPv6 networks, and IPv4-mapped clients matching IPv4 networks.
TEST(cidr, ipv6_and_mapped) {
  const cidr net = parse_cidr("fd00::/8").value();
  EXPECT_TRUE(net.contains(make_address("fd12:3456::1")));
  EXPECT_FALSE(net.contains(make_address("fe80::1")));
  EXPECT_FALSE(net.contains(make_address("10.0.0.1")));

  const cidr v4 = parse_cidr("10.0.0.0/8").value();
  EXPECT_TRUE(v4.contains(make_address("::ffff:10.9.8.7")));
  EXPECT_FALSE(v4.contains(make_address("::ffff:11.0.0.1")));

  EXPECT_EQ(parse_cidr("::1").value().prefix_length, 128u);
}

// Verifies malformed networks.
TEST(cidr, errors) {
  EXPECT_EQ(parse_cidr("").error(), parse_errc::empty);
  EXPECT_EQ(parse_cidr("10.0.0.0/33").error(), parse_errc::invalid_prefix);
  EXPECT_EQ(parse_cidr("::/129").error(), parse_errc::invalid_prefix);
  EXPECT_EQ(parse_cidr("10.0.0.0/").error(), parse_errc::invalid_prefix);
  EXPECT_EQ(parse_cidr("10.0.0.0/8x").error(), parse_errc::invalid_prefix);
  EXPECT_EQ(parse_cidr("10.0.0/8").error(), parse_errc::invalid_address);
  EXPECT_EQ(parse_cidr("proxy.internal").error(), parse_errc::invalid_address);
}

}  // namespace
}  // namespace floodgate::config
