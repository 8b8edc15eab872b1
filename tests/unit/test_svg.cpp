// test_svg.cpp - the report's metric-against-key chart (analysis/svg.cpp):
// one x tick per distinct value, labelled as the config wrote it; categories
// by name, or by number with a legend when the names are too long; a log axis
// for learning rates spanning 20x or more. Reads the SVG text, not pixels
// (tests/analysis/screenshot.sh renders the page).
#include "analysis/svg.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

namespace {

// The x tick labels: <text ... text-anchor="middle">LABEL</text> below the plot
// (the title and axis captions carry a class attribute, so they do not match).
std::vector<std::string> tick_labels(const std::string& svg) {
  static const std::regex re(R"re(<text x="[0-9.]+" y="[0-9.]+" text-anchor="middle">([^<]*)</text>)re");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

}  // namespace

TEST_CASE("metric against a swept key: one tick per value, labelled as written", "[report]") {
  using ftl::analysis::svg_metric_vs_key;
  SECTION("integer seeds are not interpolated") {
    const std::string s = svg_metric_vs_key("experiment.seed", "macro_f1", {"1", "2", "1"}, {0.3, 0.4, 0.2});
    CHECK(tick_labels(s) == std::vector<std::string>{"1", "2"});
  }
  SECTION("learning rates spanning 20x or more: log axis, ticks at the values") {
    const std::string s =
        svg_metric_vs_key("train.learning_rate", "macro_f1", {"1e-05", "0.0001", "0.001"}, {0.3, 0.4, 0.2});
    CHECK(tick_labels(s) == std::vector<std::string>{"1e-05", "0.0001", "0.001"});
    CHECK(s.find("train.learning_rate (log scale)") != std::string::npos);
  }
  SECTION("short categories by name, sorted") {
    const std::string s = svg_metric_vs_key("dataset.task", "macro_f1", {"irony", "hate", "irony"}, {0.6, 0.5, 0.7});
    CHECK(tick_labels(s) == std::vector<std::string>{"hate", "irony"});
  }
  SECTION("long categories by number, names in the axis caption") {
    const std::string a(40, 'a'), b(40, 'b'), c(40, 'c');
    const std::string s = svg_metric_vs_key("model.path", "macro_f1", {c, a, b}, {0.1, 0.2, 0.3});
    CHECK(tick_labels(s) == std::vector<std::string>{"0", "1", "2"});
    CHECK(s.find("0 = " + a + ", 1 = " + b + ", 2 = " + c) != std::string::npos);
  }
  SECTION("names are escaped") {
    const std::string s = svg_metric_vs_key("k", "m", {"a<b", "c"}, {0.1, 0.2});
    CHECK(tick_labels(s) == std::vector<std::string>{"a&lt;b", "c"});
  }
}
