#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
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
/// set — never client keys. Thread safe. Children live as long as the family.
///
/// with() on an existing child takes no lock: readers search an immutable,
/// sorted snapshot published through one atomic pointer, so threads counting
/// the same series never write a shared cache line. Creating a child copies
/// the snapshot; old snapshots are kept (readers may still hold them) until
/// the family dies, which is cheap for the small label sets this is for.
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
    if (Metric* found = find(*current_.load(std::memory_order_acquire), values)) return *found;
    std::lock_guard lock(write_mu_);
    const snapshot& now = *current_.load(std::memory_order_relaxed);
    if (Metric* found = find(now, values)) return *found;

    auto& created = children_.emplace_back(std::make_unique<child>(
        child{std::vector<std::string>(values.begin(), values.end()), make_()}));
    auto next = std::make_unique<snapshot>(now);
    const auto at = std::lower_bound(next->begin(), next->end(), values, entry_less{});
    next->insert(at, entry{&created->values, created->metric.get()});
    current_.store(next.get(), std::memory_order_release);
    snapshots_.push_back(std::move(next));
    return *created->metric;
  }

  void render(std::string& out) const override {
    for (const auto& e : *current_.load(std::memory_order_acquire)) {
      detail::render_samples(out, name(), label_names(), *e.values, *e.metric);
    }
  }

 private:
  struct child {
    std::vector<std::string> values;
    std::unique_ptr<Metric> metric;
  };
  struct entry {
    const std::vector<std::string>* values;
    Metric* metric;
  };
  using snapshot = std::vector<entry>;  // sorted by label values
  struct entry_less {
    bool operator()(const entry& e, std::span<const std::string_view> v) const {
      return detail::label_less{}(*e.values, v);
    }
    bool operator()(std::span<const std::string_view> v, const entry& e) const {
      return detail::label_less{}(v, *e.values);
    }
  };

  static Metric* find(const snapshot& s, std::span<const std::string_view> values) {
    const auto it = std::lower_bound(s.begin(), s.end(), values, entry_less{});
    if (it == s.end() || entry_less{}(values, *it)) return nullptr;
    return it->metric;
  }

  std::function<std::unique_ptr<Metric>()> make_;
  std::mutex write_mu_;
  std::vector<std::unique_ptr<child>> children_;      // owned, stable addresses
  std::vector<std::unique_ptr<snapshot>> snapshots_;  // every version published
  snapshot empty_;
  std::atomic<const snapshot*> current_{&empty_};
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
