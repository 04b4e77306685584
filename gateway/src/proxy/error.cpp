#include "proxy/error.hpp"

#include <string>

namespace floodgate::proxy {

namespace {

class category final : public boost::system::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "floodgate.proxy"; }

  [[nodiscard]] std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::upstream_connect:
        return "cannot connect to any server of the upstream";
      case errc::upstream_timeout:
        return "upstream response timed out";
      case errc::upstream_protocol:
        return "upstream closed the connection or sent a malformed response";
      case errc::no_upstream:
        return "no upstream selected";
    }
    return "unknown proxy error";
  }
};

}  // namespace

const boost::system::error_category& proxy_category() noexcept {
  static const category instance;
  return instance;
}

}  // namespace floodgate::proxy
