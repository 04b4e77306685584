#pragma once

// A stand-in for DNS (proxy::name_lookup) that answers only when the test says so:
// late, never, or with an error. Lookups are recorded in the order they started.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "proxy/name_lookup.hpp"

namespace floodgate::proxy::test {

class scripted_lookup {
 public:
  struct call {
    std::string host;
    std::uint16_t port;
    lookup_done done;
  };

  /// The name_lookup to hand to the cache; refers to this object.
  name_lookup function() {
    return [this](const std::string& host, std::uint16_t port, lookup_done done) {
      calls_.push_back({host, port, std::move(done)});
    };
  }

  /// Answers lookup `i`; call it on the cache's io_context (from the test's coroutine).
  void answer(std::size_t i, net::error_code ec, endpoints found = {}) {
    calls_.at(i).done(ec, std::move(found));
  }

  [[nodiscard]] std::size_t started() const noexcept { return calls_.size(); }
  [[nodiscard]] const call& at(std::size_t i) const { return calls_.at(i); }

 private:
  std::vector<call> calls_;
};

/// `text:port` as the one-address answer of a lookup.
inline endpoints address(const char* text, std::uint16_t port) {
  return {net::tcp::endpoint(boost::asio::ip::make_address(text), port)};
}

}  // namespace floodgate::proxy::test
