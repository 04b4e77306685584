#include "copy_binary.hpp"

#include <bit>
#include <cstddef>

#include "rollup.hpp"
#include "utf8_text.hpp"

namespace floodgate::analytics {
namespace {

// "PGCOPY\n\377\r\n\0", then 32-bit flags (0: no OIDs) and header extension length (0).
constexpr std::string_view header{"PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19};
constexpr std::int16_t column_count = 10;
// Unix epoch to PostgreSQL's epoch (2000-01-01), in microseconds.
constexpr std::int64_t postgres_epoch_offset_us = 946'684'800'000'000;

// Integers are big-endian on the wire.
template <typename Int>
void append_big_endian(std::string& out, Int v) {
  using unsigned_int = std::make_unsigned_t<Int>;
  const auto u = static_cast<unsigned_int>(v);
  for (int shift = 8 * (static_cast<int>(sizeof(Int)) - 1); shift >= 0; shift -= 8) {
    out += static_cast<char>((u >> shift) & 0xFF);
  }
}

// A field: its length (int32), then its bytes.
void append_text(std::string& out, std::string_view s) {
  // Request text is bounded far below 2 GB by the gateway's header limits.
  append_big_endian(out, static_cast<std::int32_t>(s.size()));
  out.append(s);
}

void append_clean_text(std::string& out, const std::string& s) {
  if (is_valid_utf8(s)) {
    append_text(out, s);
  } else {
    append_text(out, to_valid_utf8(s));
  }
}

}  // namespace

std::int64_t postgres_timestamp(std::chrono::system_clock::time_point ts) noexcept {
  const auto us = std::chrono::floor<std::chrono::microseconds>(ts.time_since_epoch());
  return us.count() - postgres_epoch_offset_us;
}

std::string_view copy_binary_rows::encode(std::span<const decision_event> events) {
  data_.clear();
  data_.append(header);
  for (const auto& e : events) append_row(e);
  append_big_endian(data_, std::int16_t{-1});  // trailer
  return data_;
}

void copy_binary_rows::append_row(const decision_event& e) {
  append_big_endian(data_, column_count);
  append_big_endian(data_, std::int32_t{8});
  append_big_endian(data_, postgres_timestamp(e.ts));
  append_clean_text(data_, e.gateway_id);
  append_clean_text(data_, e.route);
  append_clean_text(data_, e.client_key);
  append_clean_text(data_, e.method);
  append_clean_text(data_, e.path);
  append_clean_text(data_, e.decision);
  if (e.algorithm.empty()) {
    append_big_endian(data_, std::int32_t{-1});  // NULL
  } else {
    append_clean_text(data_, e.algorithm);
  }
  append_big_endian(data_, std::int32_t{4});
  append_big_endian(data_, static_cast<std::int32_t>(e.status));
  append_big_endian(data_, std::int32_t{8});
  append_big_endian(data_, std::bit_cast<std::uint64_t>(finite_latency(e.latency_ms)));
}

}  // namespace floodgate::analytics
