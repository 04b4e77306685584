#include "app/config_check.hpp"

#include <exception>
#include <ostream>

#include "config/loader.hpp"

namespace floodgate::app {

config::config_ptr load_or_report(const std::string& path, std::ostream& err) {
  try {
    return config::load_file(path);
  } catch (const config::config_error& e) {
    for (const auto& p : e.problems()) err << p.to_string() << '\n';
  } catch (const std::exception& e) {
    // Not a validation problem (out of memory, a bug): still a message, never a crash.
    err << path << ": " << e.what() << '\n';
  }
  return nullptr;
}

int check_config(const std::string& path, std::ostream& out, std::ostream& err) {
  const auto cfg = load_or_report(path, err);
  if (!cfg) return 1;
  out << path << ": OK (" << cfg->routes.size() << " routes, " << cfg->upstreams.size()
      << " upstreams)\n";
  return 0;
}

}  // namespace floodgate::app
