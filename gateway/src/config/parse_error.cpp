#include "config/parse_error.hpp"

#include <string>

namespace floodgate::config {
namespace {

class parse_category_impl final : public boost::system::error_category {
 public:
  [[nodiscard]] const char* name() const noexcept override { return "floodgate.config"; }

  [[nodiscard]] std::string message(int ev) const override {
    switch (static_cast<parse_errc>(ev)) {
      case parse_errc::empty:
        return "empty value";
      case parse_errc::invalid_number:
        return "not a number";
      case parse_errc::invalid_unit:
        return "unknown unit";
      case parse_errc::negative:
        return "negative value";
      case parse_errc::out_of_range:
        return "value out of range";
      case parse_errc::missing_port:
        return "missing port";
      case parse_errc::invalid_port:
        return "port must be 1-65535";
      case parse_errc::empty_host:
        return "missing host";
      case parse_errc::invalid_host:
        return "invalid host";
      case parse_errc::unbracketed_ipv6:
        return "an IPv6 address goes in brackets, e.g. [::1]:8000";
      case parse_errc::invalid_address:
        return "invalid IP address";
      case parse_errc::invalid_prefix:
        return "invalid prefix length";
    }
    return "unknown configuration parse error";
  }
};

}  // namespace

const boost::system::error_category& parse_category() noexcept {
  static const parse_category_impl category;
  return category;
}

}  // namespace floodgate::config
