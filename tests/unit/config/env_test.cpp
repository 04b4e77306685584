#include <map>

#include <gtest/gtest.h>

#include "config/env.hpp"

namespace floodgate::config {
namespace {

class substitute_env_test : public ::testing::Test {
 protected:
  std::map<std::string, std::string> vars_{{"HOST", "10.0.0.5"}, {"EMPTY", ""}, {"PORT", "6380"}};
  env_lookup lookup_ = [this](const std::string& name) -> std::optional<std::string> {
    auto it = vars_.find(name);
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  };

  std::string run(std::string_view text) {
    auto s = substitute_env(text, "f.yaml", lookup_);
    EXPECT_TRUE(s.problems.empty()) << (s.problems.empty() ? "" : s.problems[0].to_string());
    return s.text;
  }

  std::vector<std::string> problems(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& p : substitute_env(text, "f.yaml", lookup_).problems) {
      out.push_back(p.to_string());
    }
    return out;
  }
};

// Verifies set variables replace their reference, several per line.
TEST_F(substitute_env_test, set_variables) {
  EXPECT_EQ(run("url: redis://${HOST}:${PORT}/0"), "url: redis://10.0.0.5:6380/0");
  EXPECT_EQ(run("a: ${HOST}\nb: ${PORT}\n"), "a: 10.0.0.5\nb: 6380\n");
}

// Verifies a set-but-empty variable is used as is by ${VAR}, replaced by ${VAR:-x}.
TEST_F(substitute_env_test, empty_variable) {
  EXPECT_EQ(run("a: '${EMPTY}'"), "a: ''");
  EXPECT_EQ(run("a: ${EMPTY:-fallback}"), "a: fallback");
}

// Verifies defaults apply only when the variable is unset or empty.
TEST_F(substitute_env_test, defaults) {
  EXPECT_EQ(run("a: ${MISSING:-127.0.0.1:6379}"), "a: 127.0.0.1:6379");
  EXPECT_EQ(run("a: ${HOST:-127.0.0.1}"), "a: 10.0.0.5");
  EXPECT_EQ(run("a: '${MISSING:-}'"), "a: ''");
  EXPECT_EQ(run("a: ${MISSING:-postgresql://u:p@h:5432/db}"), "a: postgresql://u:p@h:5432/db");
}

// Verifies $$ is a literal dollar and a lone $ is kept.
TEST_F(substitute_env_test, escapes) {
  EXPECT_EQ(run("password: pa$$word"), "password: pa$word");
  EXPECT_EQ(run("a: $${HOST}"), "a: ${HOST}");
  EXPECT_EQ(run("a: cost $5 and $HOST"), "a: cost $5 and $HOST");
  EXPECT_EQ(run("a: ends with $"), "a: ends with $");
}

// Verifies whole-line comments are not substituted, trailing comments are.
TEST_F(substitute_env_test, comments) {
  EXPECT_EQ(run("  # use ${UNSET_IN_COMMENT} here\na: 1"),
            "  # use ${UNSET_IN_COMMENT} here\na: 1");
  EXPECT_EQ(run("a: 1 # ${HOST}"), "a: 1 # 10.0.0.5");
}

// Verifies an unset variable without a default names the line and column.
TEST_F(substitute_env_test, unset_is_an_error) {
  EXPECT_EQ(problems("a: 1\nurl: \"${REDIS_URL}\"\n"),
            std::vector<std::string>{"f.yaml:2:7: environment variable REDIS_URL is not set "
                                     "(write ${REDIS_URL:-default} to give a default)"});
}

// Verifies malformed references are reported, each one.
TEST_F(substitute_env_test, malformed_references) {
  const std::string expected =
      "invalid environment reference (expected ${NAME} or ${NAME:-default})";
  EXPECT_EQ(problems("a: ${HOST"), std::vector<std::string>{"f.yaml:1:4: " + expected});
  EXPECT_EQ(problems("a: ${}"), std::vector<std::string>{"f.yaml:1:4: " + expected});
  EXPECT_EQ(problems("a: ${1X}"), std::vector<std::string>{"f.yaml:1:4: " + expected});
  EXPECT_EQ(problems("a: ${HOST-x} ${PORT?}"),
            (std::vector<std::string>{"f.yaml:1:4: " + expected, "f.yaml:1:14: " + expected}));
}

// Verifies the process environment is the default lookup.
// Verifies a value with a line break is refused: substituted as text, it would add lines
// (and keys) to the file and shift every later line number.
TEST_F(substitute_env_test, line_break_in_value_is_an_error) {
  vars_["MULTI"] = "x\nroutes: []";
  vars_["CR"] = "x\r";
  EXPECT_EQ(problems("a: 1\nb: ${MULTI}\nc: ${CR}\n"),
            (std::vector<std::string>{
                "f.yaml:2:4: environment variable MULTI contains a line break (a value is "
                "substituted into one line)",
                "f.yaml:3:4: environment variable CR contains a line break (a value is "
                "substituted into one line)"}));
}

TEST(process_env, reads_environment) {
  ::setenv("FLOODGATE_CONFIG_TEST_VAR", "from-env", 1);
  ::unsetenv("FLOODGATE_CONFIG_TEST_UNSET");
  EXPECT_EQ(process_env("FLOODGATE_CONFIG_TEST_VAR"), "from-env");
  EXPECT_EQ(process_env("FLOODGATE_CONFIG_TEST_UNSET"), std::nullopt);
  EXPECT_EQ(substitute_env("a: ${FLOODGATE_CONFIG_TEST_VAR}", "f.yaml").text, "a: from-env");
  ::unsetenv("FLOODGATE_CONFIG_TEST_VAR");
}

}  // namespace
}  // namespace floodgate::config
