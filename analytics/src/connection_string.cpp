#include <floodgate/analytics/connection_string.hpp>

#include <algorithm>
#include <memory>
#include <string_view>

#include <libpq-fe.h>

namespace floodgate::analytics {
namespace {

// libpq's key=value quoting: single quotes, with ' and \ escaped by a backslash.
void append_option(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += ' ';
  out.append(key).append("='");
  for (const char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
}

}  // namespace

std::optional<std::string> connection_string_problem(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options != nullptr) {
    PQconninfoFree(options);
    return std::nullopt;
  }
  // No message means libpq ran out of memory: not a problem of the text.
  if (error == nullptr) return std::nullopt;
  std::string message(error);
  PQfreemem(error);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}

std::string with_default_options(const std::string& conninfo,
                                 const std::vector<std::pair<std::string, std::string>>& defaults) {
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(conninfo.c_str(), nullptr), &PQconninfoFree);
  if (!options) return conninfo;
  std::string out;
  std::vector<std::string_view> set;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    append_option(out, o->keyword, o->val);
    set.emplace_back(o->keyword);
  }
  for (const auto& [key, value] : defaults) {
    if (std::find(set.begin(), set.end(), key) == set.end()) append_option(out, key, value);
  }
  return out;
}

std::string with_client_timeouts(const std::string& conninfo) {
  return with_default_options(conninfo, {{"keepalives", "1"},
                                         {"keepalives_idle", "10"},
                                         {"keepalives_interval", "5"},
                                         {"keepalives_count", "3"},
                                         {"tcp_user_timeout", "10000"}});
}

}  // namespace floodgate::analytics
