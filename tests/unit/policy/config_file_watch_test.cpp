// When `watch: true` sees routes.yaml change (app/config_file_watch.hpp): on a real file
// in a temp directory, polled by hand.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "app/config_file_watch.hpp"

namespace floodgate::app {
namespace {

class config_file_watch_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fg-watch-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    write(path(), "first: 1\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  [[nodiscard]] std::string path() const { return (dir_ / "routes.yaml").string(); }
  static void write(const std::string& file, const std::string& text) {
    std::ofstream(file, std::ios::trunc) << text;
  }

  std::filesystem::path dir_;
};

// Verifies a saved change is reported once, at the second poll that sees it unchanged.
TEST_F(config_file_watch_test, reports_a_change_once_it_has_settled) {
  config_file_watch watch(path());
  EXPECT_FALSE(watch.changed_and_settled());
  write(path(), "second: 2\n");
  EXPECT_FALSE(watch.changed_and_settled());  // first seen: may still be being written
  EXPECT_TRUE(watch.changed_and_settled());
  EXPECT_FALSE(watch.changed_and_settled());  // reported once
}

// Verifies a file that changes between polls is not reported until it stops changing.
TEST_F(config_file_watch_test, waits_while_the_file_keeps_changing) {
  config_file_watch watch(path());
  for (int i = 0; i < 3; ++i) {
    write(path(), "step: " + std::string(static_cast<std::size_t>(i) + 1, 'x') + "\n");
    EXPECT_FALSE(watch.changed_and_settled()) << i;
  }
  EXPECT_TRUE(watch.changed_and_settled());
}

// Verifies a new file renamed over the old one (how editors and the tests save) counts,
// and a file that is missing for a moment is not a change.
TEST_F(config_file_watch_test, sees_a_rename_over_the_file_and_ignores_a_missing_one) {
  config_file_watch watch(path());
  std::filesystem::remove(path());
  EXPECT_FALSE(watch.changed_and_settled());
  EXPECT_FALSE(watch.changed_and_settled());
  const auto fresh = (dir_ / "routes.yaml.new").string();
  write(fresh, "first: 1\n");  // same size as before: the inode tells
  std::filesystem::rename(fresh, path());
  EXPECT_FALSE(watch.changed_and_settled());
  EXPECT_TRUE(watch.changed_and_settled());
}

// Verifies a symlink swapped to another target (a Kubernetes ConfigMap update) counts.
TEST_F(config_file_watch_test, follows_a_swapped_symlink) {
  const auto a = (dir_ / "a.yaml").string();
  const auto b = (dir_ / "b.yaml").string();
  write(a, "first: 1\n");
  write(b, "other: 2\n");
  const auto link = (dir_ / "link.yaml").string();
  std::filesystem::create_symlink(a, link);
  config_file_watch watch(link);
  const auto tmp_link = (dir_ / "link.tmp").string();
  std::filesystem::create_symlink(b, tmp_link);
  std::filesystem::rename(tmp_link, link);
  EXPECT_FALSE(watch.changed_and_settled());
  EXPECT_TRUE(watch.changed_and_settled());
}

// Verifies accept_current() makes the file as it is the baseline (after a SIGHUP reload).
TEST_F(config_file_watch_test, an_accepted_file_is_not_a_change) {
  config_file_watch watch(path());
  write(path(), "second: 2\n");
  EXPECT_FALSE(watch.changed_and_settled());
  watch.accept_current();
  EXPECT_FALSE(watch.changed_and_settled());
  EXPECT_FALSE(watch.changed_and_settled());
}

}  // namespace
}  // namespace floodgate::app
