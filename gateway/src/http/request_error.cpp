#include "http/request_error.hpp"

#include <string>

namespace floodgate::http {

namespace {

class category final : public boost::system::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "floodgate.request"; }

  [[nodiscard]] std::string message(int ev) const override {
    switch (static_cast<request_errc>(ev)) {
      case request_errc::unsupported_version:
        return "HTTP version not supported (only HTTP/1.x)";
    }
    return "unknown request error";
  }
};

}  // namespace

const boost::system::error_category& request_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace floodgate::http
