#include <floodgate/limit/error.hpp>

#include <string>

namespace floodgate::limit {
namespace {

class limiter_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "floodgate.limit"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::redis_timeout:
        return "redis did not answer within the timeout";
      case errc::redis_unavailable:
        return "redis is unavailable";
      case errc::circuit_open:
        return "circuit breaker is open: the store was not called";
      case errc::script_error:
        return "redis script failed or answered unexpectedly";
      case errc::auth_failed:
        return "redis refused AUTH or SELECT";
      case errc::invalid_limit:
        return "limit cannot be evaluated (limit >= 1, window >= 1ms, limit * window <= 2^53 us)";
    }
    return "unknown limiter error";
  }
};

}  // namespace

const boost::system::error_category& limiter_category() noexcept {
  static const limiter_category_impl category;
  return category;
}

}  // namespace floodgate::limit
