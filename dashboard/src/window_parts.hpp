#pragma once

#include <cstdint>

namespace floodgate::dashboard {

/// A window of whole minutes cut into the parts the rollups answer cheaply: the whole UTC
/// hours inside it (read from the hourly rollups) and the minutes before and after them
/// (read from the minute rollups). All values are Unix seconds; every part is half-open:
///
///   [begin, hours_begin)      minutes before the first whole hour
///   [hours_begin, hours_end)  whole hours
///   [hours_end, end)          minutes after the last whole hour
///
/// Without a whole hour inside the window, hours_begin == hours_end == end, so the first
/// part is the whole window and the others are empty.
struct window_parts {
  std::int64_t begin = 0;
  std::int64_t hours_begin = 0;
  std::int64_t hours_end = 0;
  std::int64_t end = 0;
};

/// Splits the minutes [first_minute, last_minute] (both inclusive, minute starts). With
/// `use_hours` false no hour is used (a timeseries whose steps cut hours in pieces).
[[nodiscard]] window_parts split_window(std::int64_t first_minute, std::int64_t last_minute,
                                        bool use_hours) noexcept;

}  // namespace floodgate::dashboard
