#include "assets.hpp"

namespace floodgate::dashboard {

std::string_view content_type_for(std::string_view name) {
  const auto dot = name.rfind('.');
  const auto ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  return "application/octet-stream";
}

std::optional<reply> static_asset(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  const std::string_view name = path == "/" ? "index.html" : path.substr(1);
  for (const auto& f : web::embedded_files()) {
    if (f.name != name) continue;
    reply r;
    r.content_type = std::string(content_type_for(name));
    r.body = std::string(f.data);
    // The files change only with the binary; revalidating is cheap and avoids a
    // stale page after an upgrade.
    r.cache_control = "no-cache";
    return r;
  }
  return std::nullopt;
}

}  // namespace floodgate::dashboard
