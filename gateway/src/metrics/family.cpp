#include "metrics/family.hpp"

#include "metrics/exposition.hpp"

namespace floodgate::metrics {
namespace detail {
namespace {

void sample(std::string& out, std::string_view name, std::string_view suffix,
            std::span<const std::string> labels, std::span<const std::string> values, auto value,
            std::string_view extra_name = {}, std::string_view extra_value = {}) {
  out += name;
  out += suffix;
  append_labels(out, labels, values, extra_name, extra_value);
  out += ' ';
  append_value(out, value);
  out += '\n';
}

}  // namespace

void render_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const counter& c) {
  sample(out, name, "", labels, values, c.value());
}

void render_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const gauge& g) {
  sample(out, name, "", labels, values, g.value());
}

void render_samples(std::string& out, std::string_view name, std::span<const std::string> labels,
                    std::span<const std::string> values, const histogram& h) {
  const histogram::snapshot s = h.collect();
  const auto bounds = h.bounds();
  std::string le;
  for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
    le.clear();
    if (i < bounds.size()) {
      append_value(le, bounds[i]);
    } else {
      le = "+Inf";
    }
    sample(out, name, "_bucket", labels, values, s.cumulative[i], "le", le);
  }
  sample(out, name, "_sum", labels, values, s.sum);
  sample(out, name, "_count", labels, values, s.count);
}

}  // namespace detail

void callback_family::set(std::vector<std::string> values, std::function<double()> read) {
  check_arity(values.size());
  std::lock_guard lock(mu_);
  children_.insert_or_assign(std::move(values), std::move(read));
}

void callback_family::render(std::string& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [values, read] : children_) {
    out += name();
    append_labels(out, label_names(), values);
    out += ' ';
    append_value(out, read());
    out += '\n';
  }
}

}  // namespace floodgate::metrics
