#include "limit/timestamp_log.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

namespace floodgate::limit {

std::size_t timestamp_log::count_at_or_before(std::int64_t cutoff_us) const noexcept {
  // Binary search over the ring's logical positions: the log is sorted.
  std::size_t lo = 0;
  std::size_t hi = size_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (at(mid) <= cutoff_us) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

void timestamp_log::drop_oldest(std::size_t n) noexcept {
  assert(n <= size_);
  if (n == 0) return;
  const auto dropped = static_cast<std::uint32_t>(n);
  head_ = static_cast<std::uint32_t>((head_ + dropped) % capacity_);
  size_ -= dropped;
  if (size_ == 0) {
    // An idle key keeps no buffer: the store may hold millions of them.
    data_.reset();
    capacity_ = 0;
    head_ = 0;
  }
}

void timestamp_log::push(std::int64_t ts_us, std::size_t max_size) {
  assert(size_ < max_size);
  // A clock that steps back must not unsort the log (count_at_or_before relies on it).
  if (size_ > 0) ts_us = std::max(ts_us, newest());
  if (size_ == capacity_) {
    constexpr std::size_t cap_limit = std::numeric_limits<std::uint32_t>::max();
    const std::size_t wanted =
        std::min({std::max<std::size_t>(4, std::size_t{capacity_} * 2), max_size, cap_limit});
    auto grown = std::make_unique<std::int64_t[]>(wanted);
    for (std::size_t i = 0; i < size_; ++i) grown[i] = at(i);
    data_ = std::move(grown);
    capacity_ = static_cast<std::uint32_t>(wanted);
    head_ = 0;
  }
  data_[(head_ + size_) % capacity_] = ts_us;
  ++size_;
}

}  // namespace floodgate::limit
