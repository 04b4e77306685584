#include <floodgate/analytics/connection_string.hpp>

#include <memory>

#include <libpq-fe.h>

namespace floodgate::analytics {

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

}  // namespace floodgate::analytics
