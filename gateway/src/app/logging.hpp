#pragma once

#include "config/config.hpp"

namespace floodgate::app {

/// Installs the process logger: stderr, one line per event,
/// "2026-11-22T05:49:49.123Z info  reload: applied routes=3" (key=value after the message),
/// at `cfg.level`. Call once at start-up, before any thread starts.
void setup_logging(const config::logging_config& cfg);

/// Changes the level at run time (reload). Unknown names leave the level unchanged
/// (the loader validates them). Thread safe.
void apply_log_level(const config::logging_config& cfg);

}  // namespace floodgate::app
