#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/counter.hpp"
#include "metrics/exposition.hpp"
#include "metrics/family.hpp"
#include "metrics/histogram.hpp"

namespace floodgate::metrics {

/// Every metric of a process, rendered as one Prometheus text exposition.
///
/// Register at startup and keep the returned references (they stay valid for
/// the registry's life); on the hot path only counter::inc(),
/// histogram::observe() and family::with() run. Registering a name again with
/// the same kind and label names returns the existing family; anything else
/// about names is a programming error and throws std::invalid_argument
/// (invalid name, reserved label, a name reused for another kind or labels).
/// Thread safe.
class registry {
 public:
  registry() = default;
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  counter_family& counter(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  gauge_family& gauge(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names = {});
  /// `bounds`: finite, strictly increasing upper bounds; +Inf is implied.
  histogram_family& histogram(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names, std::vector<double> bounds);

  /// A counter read from `read` at every render (the value it returns must not decrease).
  void callback_counter(const std::string& name, const std::string& help,
                        std::function<double()> read);
  /// Same, for one combination of label values; call again for the others.
  void callback_counter(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names, std::vector<std::string> label_values,
                        std::function<double()> read);
  /// A gauge read from `read` at every render (e.g. circuit state, buffer size).
  void callback_gauge(const std::string& name, const std::string& help,
                      std::function<double()> read);
  void callback_gauge(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names, std::vector<std::string> label_values,
                      std::function<double()> read);

  /// The text exposition (format 0.0.4, see `content_type`): families in
  /// registration order, each with # HELP and # TYPE, samples in label order.
  /// Callbacks run on the calling thread.
  [[nodiscard]] std::string render() const;

 private:
  template <typename Family, typename Make>
  Family& find_or_add(const std::string& name, const std::string& help, std::string_view type,
                      std::vector<std::string> label_names, Make&& make);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<family_base>> families_;
};

}  // namespace floodgate::metrics
