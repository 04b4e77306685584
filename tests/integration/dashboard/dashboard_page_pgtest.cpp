// The page in headless Chromium: it must show the seeded totals (in the DOM after its
// scripts ran), render user-controlled strings as text, and produce a screenshot.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "dashboard_stack.hpp"

namespace floodgate::test {
namespace {

using namespace std::chrono_literals;

std::string chromium() {
  const auto path = find_program("chromium", {"/usr/lib/chromium"});
  if (path.empty()) {
    throw std::runtime_error(
        "chromium not found (scripts/install-deps.sh installs it; FLOODGATE_CHROMIUM overrides)");
  }
  return path;
}

// Runs headless Chromium on the dashboard page with `extra` flags, in a fresh profile.
command_result run_chromium(const std::string& extra) {
  auto& stack = dashboard_stack::get();
  temp_dir profile;
  const std::string url = "http://127.0.0.1:" + std::to_string(stack.port()) + "/";
  // --virtual-time-budget lets the page's fetches and rendering finish before the dump.
  // The group keeps Chromium's stderr chatter out of the captured DOM.
  return run_command("{ timeout 120 '" + chromium() +
                     "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                     " --disable-background-networking --disable-component-update --disable-sync"
                     " --hide-scrollbars --user-data-dir='" +
                     profile.path() + "' --virtual-time-budget=5000 " + extra + " '" + url +
                     "' 2>/dev/null; }");
}

std::string number_element(const std::string& id, std::size_t n) {
  return "id=\"" + id + "\" data-value=\"" + std::to_string(n) + "\">" + std::to_string(n) + "<";
}

// Verifies the rendered DOM shows the last hour's totals exactly.
TEST(dashboard_page, dom_shows_totals) {
  const auto events = dashboard_stack::get().in_window(1h);
  std::size_t blocked = 0;
  for (const auto& e : events) {
    blocked += e.decision == "blocked" || e.decision == "fail_closed" ? 1 : 0;
  }
  ASSERT_LT(events.size(), 1000u) << "the checks below assume no thousands separators";

  const auto r = run_chromium("--dump-dom");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto& dom = r.output;
  EXPECT_NE(dom.find(number_element("total", events.size())), std::string::npos) << dom;
  EXPECT_NE(dom.find(number_element("allowed", events.size() - blocked)), std::string::npos);
  EXPECT_NE(dom.find(number_element("blocked", blocked)), std::string::npos);
  EXPECT_NE(dom.find("<td class=\"key\">search</td>"), std::string::npos) << "routes table";
  EXPECT_NE(dom.find("<td class=\"key\">alice</td>"), std::string::npos) << "top blocked table";
  EXPECT_NE(dom.find("<canvas"), std::string::npos) << "the chart was drawn";
  EXPECT_EQ(dom.find("class=\"error\""), std::string::npos) << "no error status";
}

// Verifies hostile route names and client keys appear as text, never as markup.
TEST(dashboard_page, user_controlled_strings_are_text) {
  const auto r = run_chromium("--dump-dom");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("&lt;script&gt;alert(\"r\")&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(r.output.find("<img"), std::string::npos) << "an <img> element was injected";
}

// Verifies a screenshot can be taken (the README's picture comes from here: set
// FLOODGATE_DASHBOARD_SCREENSHOT to a path to keep it).
TEST(dashboard_page, screenshot_is_a_png) {
  temp_dir out;
  const char* keep = std::getenv("FLOODGATE_DASHBOARD_SCREENSHOT");
  const std::string path = keep != nullptr ? keep : out.path() + "/dashboard.png";
  std::filesystem::remove(path);
  const auto r = run_chromium("--screenshot='" + path + "' --window-size=1280,900");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(path, std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(png.size(), 10000u) << "a rendered page, not an empty image";
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

}  // namespace
}  // namespace floodgate::test
