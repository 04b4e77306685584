#include "proxy/name_lookup.hpp"

#include <memory>
#include <utility>

namespace floodgate::proxy {

name_lookup system_name_lookup(net::executor ex) {
  // Every pending lookup holds the resolver: it outlives the cache that started it.
  auto resolver = std::make_shared<net::tcp_resolver>(std::move(ex));
  return [resolver](const std::string& host, std::uint16_t port, lookup_done done) {
    resolver->async_resolve(
        host, std::to_string(port),
        [resolver, done = std::move(done)](net::error_code ec,
                                           const net::tcp_resolver::results_type& results) {
          endpoints found;
          for (const auto& r : results) found.push_back(r.endpoint());
          done(ec, std::move(found));
        });
  };
}

}  // namespace floodgate::proxy
