#include "config/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/build.hpp"
#include "config/yaml_document.hpp"

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

// Problems found in the substituted text, moved to the columns the file shows.
std::vector<problem> at_file_columns(std::vector<problem> problems, const substitution& s) {
  for (auto& p : problems) {
    if (p.line > 0 && p.column > 0) p.column = s.original_column(p.line, p.column);
  }
  return problems;
}

std::string describe(std::filesystem::file_type type) {
  switch (type) {
    case std::filesystem::file_type::directory:
      return "a directory";
    case std::filesystem::file_type::character:
      return "a character device";
    case std::filesystem::file_type::block:
      return "a block device";
    case std::filesystem::file_type::fifo:
      return "a pipe";
    case std::filesystem::file_type::socket:
      return "a socket";
    default:
      return "of an unknown kind";
  }
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
    root = detail::parse_single_document(substituted.text, file_name);
  } catch (const config_error& e) {
    throw config_error(at_file_columns(e.problems(), substituted));
  }
  detail::reader r(file_name);
  auto built = std::make_shared<config>(detail::build_config(r, root));
  if (r.has_problems()) throw config_error(at_file_columns(r.take_problems(), substituted));
  return built;
}

config_ptr load_string(const std::string& text, const std::string& file_name) {
  return load_string(text, file_name, process_env);
}

config_ptr load_file(const std::string& path) {
  // A directory opens and reads as nothing, /dev/null reads as nothing, a FIFO may
  // block: none of them is a config file, whatever their content.
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!ec && status.type() != std::filesystem::file_type::regular) {
    throw config_error({{path, 0, 0, {}, "not a regular file (" + describe(status.type()) + ")"}});
  }
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
