#include "app/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace floodgate::app {

void setup_logging(const config::logging_config& cfg) {
  // Plain stderr sink: journald and docker both collect it, and colour codes would end up
  // in log files.
  auto logger = spdlog::stderr_logger_mt("floodgate");
  spdlog::set_default_logger(std::move(logger));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
  apply_log_level(cfg);
}

void apply_log_level(const config::logging_config& cfg) {
  const auto level = spdlog::level::from_str(cfg.level);
  // from_str answers `off` for names it does not know; only believe it when asked for "off".
  if (level != spdlog::level::off || cfg.level == "off") spdlog::set_level(level);
  // Warnings and errors reach the file at once; info lines may wait for the next write.
  spdlog::flush_on(spdlog::level::warn);
}

}  // namespace floodgate::app
