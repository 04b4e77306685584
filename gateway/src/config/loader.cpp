#include "config/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/build.hpp"

namespace floodgate::config {
namespace {

std::string join_lines(const std::vector<problem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    out += p.to_string();
    out += '\n';
  }
  return out;
}

std::vector<problem> sorted(std::vector<problem> problems) {
  // Document order reads best; problems found by cross-checks (duplicate
  // names, unknown upstreams) are discovered late but belong where they are.
  std::stable_sort(problems.begin(), problems.end(), [](const problem& a, const problem& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return problems;
}

}  // namespace

config_error::config_error(std::vector<problem> problems)
    : std::runtime_error(join_lines(sorted(problems))), problems_(sorted(std::move(problems))) {}

std::string format_problems(const config_error& e) {
  return join_lines(e.problems());
}

config_ptr load_string(const std::string& text, const std::string& file_name,
                       const env_lookup& env) {
  substitution substituted = substitute_env(text, file_name, env);
  if (!substituted.problems.empty()) throw config_error(std::move(substituted.problems));

  YAML::Node root;
  try {
    root = YAML::Load(substituted.text);
  } catch (const YAML::ParserException& e) {
    problem p{file_name, 0, 0, {}, "invalid YAML: " + e.msg};
    if (!e.mark.is_null()) {
      p.line = e.mark.line + 1;
      p.column = e.mark.column + 1;
    }
    throw config_error({std::move(p)});
  }

  detail::reader r(file_name);
  auto built = std::make_shared<config>(detail::build_config(r, root));
  if (r.has_problems()) throw config_error(r.take_problems());
  return built;
}

config_ptr load_string(const std::string& text, const std::string& file_name) {
  return load_string(text, file_name, process_env);
}

config_ptr load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw config_error(
        {{path, 0, 0, {}, std::string("cannot read file: ") + std::strerror(errno)}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw config_error(
        {{path, 0, 0, {}, std::string("cannot read file: ") + std::strerror(errno)}});
  }
  return load_string(text.str(), path);
}

}  // namespace floodgate::config
