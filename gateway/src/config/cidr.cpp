#include "config/cidr.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace floodgate::config {
namespace {

using boost::asio::ip::address;
using boost::asio::ip::address_v4;
using boost::asio::ip::address_v6;

/// Both families as 16 bytes; IPv4 keeps its 4 bytes at the front.
struct raw_address {
  std::array<unsigned char, 16> bytes{};
  unsigned bits = 0;  // 32 or 128
};

raw_address to_raw(const address& a) noexcept {
  raw_address raw;
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), raw.bytes.begin());
    raw.bits = 32;
  } else {
    raw.bytes = a.to_v6().to_bytes();
    raw.bits = 128;
  }
  return raw;
}

/// Compares the first `prefix` bits.
bool same_prefix(const raw_address& x, const raw_address& y, unsigned prefix) noexcept {
  const unsigned whole = prefix / 8;
  for (unsigned i = 0; i < whole; ++i) {
    if (x.bytes[i] != y.bytes[i]) return false;
  }
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFu << (8 - rest));
  return (x.bytes[whole] & mask) == (y.bytes[whole] & mask);
}

address clear_host_bits(const address& a, unsigned prefix) {
  raw_address raw = to_raw(a);
  for (unsigned bit = prefix; bit < raw.bits; ++bit) {
    raw.bytes[bit / 8] = static_cast<unsigned char>(raw.bytes[bit / 8] & ~(0x80u >> (bit % 8)));
  }
  if (a.is_v4()) {
    return address_v4(
        address_v4::bytes_type{raw.bytes[0], raw.bytes[1], raw.bytes[2], raw.bytes[3]});
  }
  return address_v6(raw.bytes, a.to_v6().scope_id());
}

}  // namespace

bool cidr::contains(const address& a) const noexcept {
  address candidate = a;
  if (network.is_v4() && a.is_v6() && a.to_v6().is_v4_mapped()) {
    candidate = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  }
  if (candidate.is_v4() != network.is_v4()) return false;
  return same_prefix(to_raw(candidate), to_raw(network), prefix_length);
}

std::string cidr::to_string() const {
  return network.to_string() + "/" + std::to_string(prefix_length);
}

boost::system::result<cidr> parse_cidr(std::string_view text) {
  if (text.empty()) return parse_errc::empty;
  const auto slash = text.find('/');
  const std::string address_text(text.substr(0, slash));

  boost::system::error_code ec;
  const address network = boost::asio::ip::make_address(address_text, ec);
  if (ec) return parse_errc::invalid_address;
  const unsigned max_prefix = network.is_v4() ? 32 : 128;

  unsigned prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    auto [end, perr] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (digits.empty() || perr != std::errc{} || end != digits.data() + digits.size() ||
        prefix > max_prefix) {
      return parse_errc::invalid_prefix;
    }
  }
  return cidr{clear_host_bits(network, prefix), prefix};
}

}  // namespace floodgate::config
