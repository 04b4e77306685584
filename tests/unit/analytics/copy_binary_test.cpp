#include "copy_binary.hpp"

#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

namespace floodgate::analytics {
namespace {

using namespace std::chrono;

std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (const int v : values) s += static_cast<char>(v);
  return s;
}

// Verifies the timestamp is microseconds since 2000-01-01 UTC, floored.
TEST(copy_binary, timestamps_count_from_2000) {
  EXPECT_EQ(postgres_timestamp(system_clock::time_point{seconds{946684800}}), 0);
  EXPECT_EQ(postgres_timestamp(system_clock::time_point{seconds{946684801} + nanoseconds{1999}}),
            1'000'001);
  EXPECT_EQ(postgres_timestamp(system_clock::time_point{}), -946'684'800'000'000);
  // Before 1970: still towards the past, not towards zero.
  EXPECT_EQ(postgres_timestamp(system_clock::time_point{nanoseconds{-1}}), -946'684'800'000'001);
}

// Verifies the exact bytes of a batch: header, one tuple of ten fields, trailer.
TEST(copy_binary, encodes_header_row_and_trailer) {
  const decision_event e{
      .ts = system_clock::time_point{seconds{946684800} + microseconds{258}},  // 0x102 us
      .gateway_id = "g",
      .route = "r",
      .client_key = "k\xFF",  // invalid byte: cleaned to U+FFFD
      .method = "GET",
      .path = "/",
      .decision = "allowed",
      .algorithm = "",  // NULL
      .status = 429,    // 0x1AD
      .latency_ms = 1.5,
  };
  copy_binary_rows rows;
  const std::vector<decision_event> batch{e};
  const auto data = rows.encode(batch);
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on a + chain.
  std::string expected("PGCOPY\n\377\r\n\0", 11);
  for (const auto& piece : {
           bytes({0, 0, 0, 0, 0, 0, 0, 0}),              // flags, header extension
           bytes({0, 10}),                               // fields
           bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 1, 2}),  // ts
           bytes({0, 0, 0, 1}),
           std::string("g"),  // gateway_id
           bytes({0, 0, 0, 1}),
           std::string("r"),  // route
           bytes({0, 0, 0, 4}),
           std::string("k\xEF\xBF\xBD"),  // client_key, cleaned
           bytes({0, 0, 0, 3}),
           std::string("GET"),  // method
           bytes({0, 0, 0, 1}),
           std::string("/"),  // path
           bytes({0, 0, 0, 7}),
           std::string("allowed"),                             // decision
           bytes({0xFF, 0xFF, 0xFF, 0xFF}),                    // algorithm NULL
           bytes({0, 0, 0, 4, 0, 0, 1, 0xAD}),                 // status
           bytes({0, 0, 0, 8, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0}),  // latency 1.5
           bytes({0xFF, 0xFF}),                                // trailer
       }) {
    expected += piece;
  }
  EXPECT_EQ(data, expected);
}

// Verifies a non-finite latency is stored as 0 (as in the rollups) and a batch replaces
// the previous one.
TEST(copy_binary, non_finite_latency_is_zero_and_batches_do_not_accumulate) {
  decision_event e;
  e.latency_ms = std::numeric_limits<double>::quiet_NaN();
  e.algorithm = "x";
  copy_binary_rows rows;
  const std::vector<decision_event> batch{e};
  const std::string first(rows.encode(batch));
  EXPECT_EQ(first.substr(first.size() - 10), bytes({0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}));
  EXPECT_EQ(rows.encode(batch), first);
  EXPECT_EQ(rows.encode({}),
            std::string("PGCOPY\n\377\r\n\0", 11) + bytes({0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}));
}

// Verifies small batches go in pieces of 200 rows and large ones in one statement.
TEST(copy_binary, statement_rows_by_batch_size) {
  EXPECT_EQ(copy_statement_rows(0), 0u);
  EXPECT_EQ(copy_statement_rows(1), 200u);
  EXPECT_EQ(copy_statement_rows(1000), 200u);
  EXPECT_EQ(copy_statement_rows(2799), 200u);
  EXPECT_EQ(copy_statement_rows(2800), 2800u);
  EXPECT_EQ(copy_statement_rows(5000), 5000u);
}

}  // namespace
}  // namespace floodgate::analytics
