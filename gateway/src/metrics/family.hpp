#pragma once

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/counter.hpp"
#include "metrics/histogram.hpp"

namespace floodgate::metrics {

namespace detail {

/// Orders label-value lists of any string type, so a family can be searched
/// with string_views without building a key.
struct label_less {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

void render_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const counter& c);
void render_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const gauge& g);
void render_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const histogram& h);

}  // namespace detail

/// Name, help, type and label names of one metric; renders its samples.
class family_base {
 public:
  family_base(std::string name, std::string help, std::string_view type,
              std::vector<std::string> label_names)
      : name_(std::move(name)),
        help_(std::move(help)),
        type_(type),
        labels_(std::move(label_names)) {}
  virtual ~family_base() = default;
  family_base(const family_base&) = delete;
  family_base& operator=(const family_base&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& help() const noexcept { return help_; }
  [[nodiscard]] std::string_view type() const noexcept { return type_; }
  [[nodiscard]] const std::vector<std::string>& label_names() const noexcept { return labels_; }

  /// Appends the sample lines (not the HELP/TYPE header), children in label order.
  virtual void render(std::string& out) const = 0;

 protected:
  void check_arity(std::size_t values) const {
    if (values != labels_.size()) {
      throw std::invalid_argument(name_ + ": expected " + std::to_string(labels_.size()) +
                                  " label values, got " + std::to_string(values));
    }
  }

 private:
  std::string name_;
  std::string help_;
  std::string_view type_;
  std::vector<std::string> labels_;
};

/// The metrics of one name, one per combination of label values, created on
/// first use. Label values are route names and decisions — a small, bounded
/// set — never client keys. Thread safe; with() on an existing child takes a
/// shared lock only. Children live as long as the family.
template <typename Metric>
class family final : public family_base {
 public:
  family(std::string name, std::string help, std::string_view type,
         std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : family_base(std::move(name), std::move(help), type, std::move(label_names)),
        make_(std::move(make)) {}

  /// The child for these label values, in the order of the label names.
  /// Throws std::invalid_argument when the number of values is wrong.
  Metric& with(std::initializer_list<std::string_view> values) {
    return with(std::span<const std::string_view>(values.begin(), values.size()));
  }

  Metric& with(std::span<const std::string_view> values) {
    check_arity(values.size());
    {
      std::shared_lock lock(mu_);
      if (auto it = children_.find(values); it != children_.end()) return *it->second;
    }
    std::unique_lock lock(mu_);
    auto [it, inserted] =
        children_.try_emplace(std::vector<std::string>(values.begin(), values.end()), nullptr);
    if (inserted) it->second = make_();
    return *it->second;
  }

  void render(std::string& out) const override {
    std::shared_lock lock(mu_);
    for (const auto& [values, metric] : children_) {
      detail::render_samples(out, name(), label_names(), values, *metric);
    }
  }

 private:
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>, detail::label_less> children_;
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

/// Counters or gauges whose values are read from a function at scrape time,
/// so a component exposes its own statistics as plain accessors. Thread safe.
class callback_family final : public family_base {
 public:
  using family_base::family_base;

  /// Sets (or replaces) the function of one label-value combination.
  void set(std::vector<std::string> values, std::function<double()> read);
  void render(std::string& out) const override;

 private:
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::function<double()>, detail::label_less> children_;
};

}  // namespace floodgate::metrics
