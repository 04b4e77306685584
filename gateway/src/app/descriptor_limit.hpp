#pragma once

namespace floodgate::app {

/// Raises this process's soft limit on open files to its hard limit and logs it.
///
/// Every proxied connection holds two descriptors (client and upstream), so the usual
/// soft limit of 1024 (systemd's default, most shells') runs out at about 500 clients,
/// while the hard limit an operator already granted is typically far higher. Go's runtime
/// does the same at start-up; NGINX needs `worker_rlimit_nofile` for it. A limit that
/// cannot be raised is left as it is, with a warning.
void raise_descriptor_limit();

}  // namespace floodgate::app
