#include "proxy/resolve_cache.hpp"

#include <optional>
#include <string>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>

#include "proxy/lookup_flight.hpp"
#include "proxy/server_key.hpp"

namespace floodgate::proxy {

namespace {

// "[::1]" is an IPv6 literal too: the brackets go before parsing or looking up.
std::string unbracketed(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

std::optional<boost::asio::ip::address> ip_literal(const std::string& host) {
  net::error_code ec;
  const auto address = boost::asio::ip::make_address(unbracketed(host), ec);
  if (ec) return std::nullopt;
  return address;
}

struct cache_entry {
  endpoints addresses;                    // empty until a lookup succeeds
  net::clock::time_point fresh_until;     // past it, the next request starts a refresh
  net::clock::time_point retry_at;        // after a failed lookup, none before this
  net::error_code last_error;             // of that failed lookup
  std::shared_ptr<lookup_flight> flight;  // the lookup in flight, if any
  bool failing = false;                   // the current run of failures was logged
};

}  // namespace

struct resolve_cache::state : std::enable_shared_from_this<state> {
  state(options o, name_lookup l) : opts(o), lookup(std::move(l)) {}

  void start_lookup(const std::string& key, const config::endpoint& server, cache_entry& e);
  void finish_lookup(const std::string& key, const std::shared_ptr<lookup_flight>& flight,
                     lookup_flight::outcome result);
  void note_failure(const std::string& key, cache_entry& e, net::error_code ec);

  options opts;
  name_lookup lookup;
  std::unordered_map<std::string, cache_entry> entries;  // key: host:port
};

resolve_cache::resolve_cache(net::executor ex)
    : resolve_cache(options{}, system_name_lookup(std::move(ex))) {}

resolve_cache::resolve_cache(options opts, name_lookup lookup)
    : state_(std::make_shared<state>(opts, std::move(lookup))) {}

resolve_cache::~resolve_cache() = default;

net::awaitable<std::pair<net::error_code, endpoints>> resolve_cache::resolve(
    const config::endpoint& server, net::clock::time_point deadline) {
  const auto key = server_key(server);
  const auto now = net::clock::now();
  auto& e = state_->entries[key];
  if (!e.addresses.empty() && now < e.fresh_until)
    co_return std::pair{net::error_code{}, e.addresses};
  if (e.addresses.empty()) {
    if (const auto literal = ip_literal(server.host)) {
      e.addresses.emplace_back(*literal, server.port);
      e.fresh_until = net::clock::time_point::max();
      co_return std::pair{net::error_code{}, e.addresses};
    }
  }
  if (!e.flight && now >= e.retry_at) state_->start_lookup(key, server, e);
  // Expired addresses are most likely still right: use them rather than wait for the
  // refresh (or, while DNS fails, for nothing).
  if (!e.addresses.empty()) co_return std::pair{net::error_code{}, e.addresses};
  if (!e.flight) co_return std::pair{e.last_error, endpoints{}};  // failed moments ago
  const auto flight = e.flight;  // `e` may move (rehash) while this request waits
  auto [ec, addresses] = co_await flight->wait(deadline);
  co_return std::pair{ec, std::move(addresses)};
}

void resolve_cache::state::start_lookup(const std::string& key, const config::endpoint& server,
                                        cache_entry& e) {
  e.flight = std::make_shared<lookup_flight>();
  lookup(unbracketed(server.host), server.port,
         [self = shared_from_this(), key, flight = e.flight](net::error_code ec, endpoints found) {
           self->finish_lookup(key, flight, {ec, std::move(found)});
         });
}

void resolve_cache::state::finish_lookup(const std::string& key,
                                         const std::shared_ptr<lookup_flight>& flight,
                                         lookup_flight::outcome result) {
  if (!result.ec && result.addresses.empty()) result.ec = boost::asio::error::host_not_found;
  auto& e = entries[key];
  if (e.flight == flight) e.flight.reset();
  if (result.ec) {
    note_failure(key, e, result.ec);
  } else {
    if (e.failing) spdlog::info("upstream server {}: resolved again", key);
    e.failing = false;
    e.addresses = result.addresses;
    e.fresh_until = net::clock::now() + opts.ttl;
  }
  flight->finish(std::move(result));
}

void resolve_cache::state::note_failure(const std::string& key, cache_entry& e,
                                        net::error_code ec) {
  e.last_error = ec;
  e.retry_at = net::clock::now() + opts.retry_after_failure;
  if (e.failing) return;  // one warning per run of failures, not one per retry
  e.failing = true;
  if (e.addresses.empty()) {
    spdlog::warn("upstream server {}: cannot resolve ({}); retrying in {} ms", key, ec.message(),
                 opts.retry_after_failure.count());
  } else {
    spdlog::warn(
        "upstream server {}: cannot refresh its addresses ({}); using the {} it had, "
        "retrying in {} ms",
        key, ec.message(), e.addresses.size(), opts.retry_after_failure.count());
  }
}

}  // namespace floodgate::proxy
