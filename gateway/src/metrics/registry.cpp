#include "metrics/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace floodgate::metrics {
namespace {

void check_names(const std::string& name, const std::vector<std::string>& label_names,
                 bool histogram) {
  if (!valid_metric_name(name)) throw std::invalid_argument("invalid metric name: " + name);
  for (const auto& label : label_names) {
    // `le` is the bucket label of a histogram; a user label of that name would collide.
    if (!valid_label_name(label) || (histogram && label == "le")) {
      throw std::invalid_argument(name + ": invalid label name: " + label);
    }
  }
}

}  // namespace

template <typename Family, typename Make>
Family& registry::find_or_add(const std::string& name, const std::string& help,
                              std::string_view type, std::vector<std::string> label_names,
                              Make&& make) {
  check_names(name, label_names, type == "histogram");
  std::lock_guard lock(mu_);
  const auto existing = std::find_if(families_.begin(), families_.end(),
                                     [&](const auto& f) { return f->name() == name; });
  if (existing != families_.end()) {
    auto* same = dynamic_cast<Family*>(existing->get());
    if (same == nullptr || same->type() != type || same->label_names() != label_names) {
      throw std::invalid_argument(name + ": already registered with another kind or labels");
    }
    return *same;
  }
  std::unique_ptr<Family> created = make(name, help, type, std::move(label_names));
  Family& result = *created;
  families_.push_back(std::move(created));
  return result;
}

counter_family& registry::counter(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  return find_or_add<counter_family>(
      name, help, "counter", std::move(label_names), [](auto&&... args) {
        return std::make_unique<counter_family>(std::forward<decltype(args)>(args)..., [] {
          return std::make_unique<metrics::counter>();
        });
      });
}

gauge_family& registry::gauge(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names) {
  return find_or_add<gauge_family>(name, help, "gauge", std::move(label_names), [](auto&&... args) {
    return std::make_unique<gauge_family>(std::forward<decltype(args)>(args)...,
                                          [] { return std::make_unique<metrics::gauge>(); });
  });
}

histogram_family& registry::histogram(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> bounds) {
  // Validate now, so that bad bounds throw at registration and not at first use.
  (void)metrics::histogram(bounds);
  return find_or_add<histogram_family>(
      name, help, "histogram", std::move(label_names), [&bounds](auto&&... args) {
        return std::make_unique<histogram_family>(
            std::forward<decltype(args)>(args)...,
            [b = std::move(bounds)] { return std::make_unique<metrics::histogram>(b); });
      });
}

void registry::callback_counter(const std::string& name, const std::string& help,
                                std::function<double()> read) {
  callback_counter(name, help, {}, {}, std::move(read));
}

void registry::callback_counter(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names,
                                std::vector<std::string> label_values,
                                std::function<double()> read) {
  find_or_add<callback_family>(name, help, "counter", std::move(label_names), [](auto&&... args) {
    return std::make_unique<callback_family>(std::forward<decltype(args)>(args)...);
  }).set(std::move(label_values), std::move(read));
}

void registry::callback_gauge(const std::string& name, const std::string& help,
                              std::function<double()> read) {
  callback_gauge(name, help, {}, {}, std::move(read));
}

void registry::callback_gauge(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names,
                              std::vector<std::string> label_values, std::function<double()> read) {
  find_or_add<callback_family>(name, help, "gauge", std::move(label_names), [](auto&&... args) {
    return std::make_unique<callback_family>(std::forward<decltype(args)>(args)...);
  }).set(std::move(label_values), std::move(read));
}

std::string registry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out.reserve(4096);
  for (const auto& f : families_) {
    append_header(out, f->name(), f->help(), f->type());
    f->render(out);
  }
  return out;
}

}  // namespace floodgate::metrics
