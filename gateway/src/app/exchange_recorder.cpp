#include "app/exchange_recorder.hpp"

#include <array>
#include <atomic>
#include <random>
#include <string_view>

#include <spdlog/spdlog.h>

#include <floodgate/analytics/recorder.hpp>

#include "metrics/registry.hpp"
#include "text/log_value.hpp"

namespace floodgate::app {

namespace {

std::uint64_t next_recorder_id() {
  static std::atomic<std::uint64_t> next{0};
  return ++next;
}

// The `code` label of floodgate_responses_total: the status class, as Traefik and Kong
// label theirs ("5xx" alerts need no regex), and "none" for an exchange that ended
// without a response (the client or a drain closed the connection first).
constexpr std::array<std::string_view, 6> status_classes{"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

std::size_t status_class(unsigned status) noexcept {
  const unsigned c = status / 100;
  return c >= 1 && c <= 5 ? c : 0;
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

/// Per-thread generator: sampling must not contend on a shared RNG at 30k requests/s.
bool sampled(double fraction) {
  if (fraction <= 0.0) return false;
  if (fraction >= 1.0) return true;
  thread_local std::minstd_rand rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < fraction;
}

}  // namespace

struct exchange_recorder::series {
  explicit series(metrics::registry& r)
      : requests(r.counter("floodgate_requests_total", "Requests by route and limiter decision.",
                           {"route", "decision"})),
        unmatched(r.counter("floodgate_unmatched_requests_total",
                            "Requests no route matched (answered 404).", {})
                      .with({})),
        responses(r.counter("floodgate_responses_total",
                            "Responses by route and status class (none: closed before one).",
                            {"route", "code"})),
        duration(r.histogram("floodgate_request_duration_seconds",
                             "Time in the gateway per request, upstream included.", {"route"},
                             metrics::default_latency_buckets())),
        limiter(r.histogram("floodgate_limiter_duration_seconds",
                            "Time to decide one request (store round trip included).", {},
                            metrics::default_decision_buckets())
                    .with({})) {}

  metrics::counter_family& requests;
  metrics::counter& unmatched;
  metrics::counter_family& responses;
  metrics::histogram_family& duration;
  metrics::histogram& limiter;
};

exchange_recorder::exchange_recorder(metrics::registry& registry, analytics::recorder* events,
                                     std::string gateway_id, double access_log_sample)
    : series_(std::make_unique<series>(registry)),
      events_(events),
      gateway_id_(std::move(gateway_id)),
      sample_(access_log_sample),
      recorder_id_(next_recorder_id()) {}

exchange_recorder::~exchange_recorder() = default;

void exchange_recorder::limiter_duration(std::chrono::steady_clock::duration d) {
  series_->limiter.observe(seconds(d));
}

void exchange_recorder::completed(const policy::exchange& e, unsigned status,
                                  std::chrono::steady_clock::duration latency) {
  const auto decision = limit::to_string(e.decision);
  if (e.route.empty()) {
    series_->unmatched.inc();
  } else {
    // Consecutive requests on a thread are mostly of the same route and decision: the
    // last children found are kept per thread, so such a request does no label search.
    struct last_series {
      std::uint64_t owner = 0;  // recorder_id_: an address could be reused by a new recorder
      std::string route;
      limit::decision decision{};
      metrics::counter* requests = nullptr;
      metrics::histogram* duration = nullptr;
      std::array<metrics::counter*, status_classes.size()> responses{};  // found on first use
    };
    thread_local last_series last;
    if (last.owner != recorder_id_ || last.decision != e.decision || last.route != e.route) {
      last.requests = &series_->requests.with({e.route, decision});
      last.duration = &series_->duration.with({e.route});
      if (last.owner != recorder_id_ || last.route != e.route) last.responses = {};
      last.owner = recorder_id_;
      last.decision = e.decision;
      last.route = e.route;
    }
    last.requests->inc();
    last.duration->observe(seconds(latency));
    auto*& responses = last.responses[status_class(status)];
    if (responses == nullptr) {
      responses = &series_->responses.with({e.route, status_classes[status_class(status)]});
    }
    responses->inc();
  }

  const double latency_ms = seconds(latency) * 1000.0;
  if (events_ != nullptr && !e.route.empty() && e.decision != limit::decision::unlimited) {
    events_->record(analytics::decision_event{
        .ts = e.decided_at,
        .gateway_id = gateway_id_,
        .route = e.route,
        .client_key = e.client_key,
        .method = e.method,
        .path = e.path,
        .decision = std::string(decision),
        .algorithm = e.algorithm,
        .status = static_cast<int>(status),
        .latency_ms = latency_ms,
    });
  }

  if (sampled(sample_.load(std::memory_order_relaxed))) {
    spdlog::info(
        "access route={} decision={} client={} method={} path={} status={} latency_ms={:.3f}",
        e.route.empty() ? "-" : e.route, decision,
        e.client_key.empty() ? "-" : text::log_value(e.client_key), e.method,
        text::log_value(e.path), status, latency_ms);
  }
}

}  // namespace floodgate::app
