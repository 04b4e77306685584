#include "config/yaml_document.hpp"

#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>

#include "config/loader.hpp"

namespace floodgate::config::detail {
namespace {

/// Records where each document starts and whether it holds anything: yaml-cpp's
/// Load() keeps the first document and drops the rest without a word, and gives an
/// empty file, a comment-only file and `~` alike as a null node.
class document_marks final : public YAML::EventHandler {
 public:
  struct document {
    YAML::Mark start;
    bool has_content = false;
  };
  std::vector<document> documents;

  void OnDocumentStart(const YAML::Mark& mark) override { documents.push_back({mark}); }
  void OnDocumentEnd() override {}
  // An explicit null (`~`, `null`) is no more a config than nothing.
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { content(); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {
    content();
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    content();
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    content();
  }
  void OnMapEnd() override {}

 private:
  void content() {
    if (!documents.empty()) documents.back().has_content = true;
  }
};

[[noreturn]] void refuse(const std::string& file, const YAML::Mark& at, std::string message) {
  problem p{file, 1, 1, {}, std::move(message)};
  if (!at.is_null()) {
    p.line = at.line + 1;
    p.column = at.column + 1;
  }
  throw config_error({std::move(p)});
}

bool only_blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

YAML::Node parse_single_document(const std::string& text, const std::string& file_name) {
  document_marks marks;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(marks)) {
    }
  } catch (const YAML::ParserException& e) {
    refuse(file_name, e.mark, "invalid YAML: " + e.msg);
  }
  constexpr const char* expected =
      " (expected a mapping of settings: listen, upstreams, routes, ...)";
  if (marks.documents.empty()) {
    refuse(file_name, YAML::Mark::null_mark(),
           std::string(only_blank(text) ? "file is empty" : "file holds only comments") + expected);
  }
  if (marks.documents.size() > 1) {
    refuse(file_name, marks.documents[1].start,
           "a second YAML document starts here; a config file holds exactly one (remove the "
           "'---' and what follows, or merge it into the first)");
  }
  if (!marks.documents.front().has_content) {
    refuse(file_name, marks.documents.front().start, std::string("document is empty") + expected);
  }
  // Parsed again into nodes: the text is small, and the checks above have passed.
  return YAML::Load(text);
}

}  // namespace floodgate::config::detail
