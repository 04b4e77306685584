// How a window is cut into whole hours (hourly rollups) and edge minutes (minute rollups).
#include <gtest/gtest.h>

#include "window_parts.hpp"

namespace floodgate::dashboard {
namespace {

constexpr std::int64_t h = 3600;
constexpr std::int64_t day = 20000 * 24 * h;  // some UTC midnight

// Verifies a window with partial hours on both sides: whole hours in the middle, the
// minutes before and after them at the edges, and the parts tile the window exactly.
TEST(split_window, edge_minutes_on_both_sides) {
  const auto p = split_window(day + 10 * h + 25 * 60, day + 16 * h + 24 * 60, true);
  EXPECT_EQ(p.begin, day + 10 * h + 25 * 60);
  EXPECT_EQ(p.hours_begin, day + 11 * h);
  EXPECT_EQ(p.hours_end, day + 16 * h);
  EXPECT_EQ(p.end, day + 16 * h + 25 * 60);
}

// Verifies windows aligned to hours need no edge minutes (empty edge ranges).
TEST(split_window, aligned_window_is_all_hours) {
  const auto p = split_window(day + 10 * h, day + 12 * h - 60, true);
  EXPECT_EQ(p.begin, p.hours_begin);
  EXPECT_EQ(p.hours_begin, day + 10 * h);
  EXPECT_EQ(p.hours_end, day + 12 * h);
  EXPECT_EQ(p.hours_end, p.end);
}

// Verifies a window without a whole hour inside (or with hours disabled, for steps that
// cut hours) is read from minutes only: the hour range is empty, at the window's end.
TEST(split_window, no_whole_hour_means_minutes_only) {
  for (const auto& p : {split_window(day + 10 * h + 30 * 60, day + 11 * h + 29 * 60, true),
                        split_window(day + 10 * h + 30 * 60, day + 16 * h, false),
                        split_window(day + 10 * h, day + 10 * h + 59 * 60, false)}) {
    EXPECT_EQ(p.hours_begin, p.end);
    EXPECT_EQ(p.hours_end, p.end);
  }
  const auto one_minute = split_window(day + 5 * 60, day + 5 * 60, true);
  EXPECT_EQ(one_minute.begin, day + 5 * 60);
  EXPECT_EQ(one_minute.end, day + 6 * 60);
  EXPECT_EQ(one_minute.hours_begin, one_minute.end);
}

// Verifies hour flooring before the epoch (negative times) still cuts at whole hours.
TEST(split_window, negative_epoch_seconds) {
  const auto p = split_window(-2 * h - 30 * 60, -60, true);
  EXPECT_EQ(p.hours_begin, -2 * h);
  EXPECT_EQ(p.hours_end, 0);
  EXPECT_EQ(p.end, 0);
}

}  // namespace
}  // namespace floodgate::dashboard
