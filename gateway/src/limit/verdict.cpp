#include <floodgate/limit/verdict.hpp>

#include <algorithm>
#include <tuple>

namespace floodgate::limit {

std::chrono::milliseconds verdict::retry_after() const noexcept {
  std::chrono::milliseconds longest{0};
  for (const auto& s : limits) {
    if (!s.allowed) longest = std::max(longest, s.retry_after);
  }
  return longest;
}

void finalize(verdict& v) noexcept {
  v.allowed = std::all_of(v.limits.begin(), v.limits.end(),
                          [](const limit_status& s) { return s.allowed; });
  v.most_restrictive = 0;
  // Smallest remaining; ties go to the one the client waits longest for, so the
  // headers never promise an earlier retry or reset than some limit gives.
  const auto more_restrictive = [](const limit_status& a, const limit_status& b) {
    return std::tuple(a.remaining, -a.retry_after.count(), -a.reset_after.count()) <
           std::tuple(b.remaining, -b.retry_after.count(), -b.reset_after.count());
  };
  for (std::size_t i = 1; i < v.limits.size(); ++i) {
    if (more_restrictive(v.limits[i], v.limits[v.most_restrictive])) v.most_restrictive = i;
  }
}

}  // namespace floodgate::limit
