#include "app/descriptor_limit.hpp"

#include <cerrno>
#include <cstring>

#include <sys/resource.h>

#include <spdlog/spdlog.h>

namespace floodgate::app {

void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  const auto before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("open files limit stays at {}: raising it to {} failed: {}", before,
                 limit.rlim_max, std::strerror(errno));
    return;
  }
  spdlog::info("open files limit raised from {} to {}", before, limit.rlim_max);
}

}  // namespace floodgate::app
