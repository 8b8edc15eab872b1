// test_registry.cpp - plugin discovery, descriptor checks and load errors.
#include "helpers.hpp"

#include "plugins/registry.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

TEST_CASE("the bundled plugins load and register the four kinds") {
  ftl::Registry reg;
  reg.load_dirs({test::plugin_dir()});
  CHECK(reg.failures().empty());
  CHECK(reg.find(FTL_KIND_TOKENIZER, "bpe").factory->version != nullptr);
  CHECK(reg.find(FTL_KIND_DATASET, "tweeteval").factory != nullptr);
  CHECK(reg.find(FTL_KIND_MODEL, "roberta").factory != nullptr);
  CHECK(reg.find(FTL_KIND_METRIC, "classification").factory != nullptr);
}

TEST_CASE("an unknown plugin name lists what is available") {
  ftl::Registry reg;
  reg.load_dirs({test::plugin_dir()});
  REQUIRE_THROWS_WITH(reg.find(FTL_KIND_TOKENIZER, "wordpeace"),
                      Contains("no tokenizer plugin named 'wordpeace'") && Contains("available: bpe"));
}

TEST_CASE("a plugin with another ABI major is refused with both versions named") {
  ftl::Registry reg;
  const std::string lib = test::test_plugin_dir("bad_abi") + "/libftlab_bad_abi.so";
  REQUIRE_THROWS_WITH(reg.load_library(lib), Contains("plugin ABI major 2") && Contains("host ABI major 1") &&
                                                 Contains("libftlab_bad_abi.so"));
}

TEST_CASE("a library without the entry symbol is refused clearly") {
  ftl::Registry reg;
  const std::string lib = test::test_plugin_dir("no_entry") + "/libftlab_no_entry.so";
  REQUIRE_THROWS_WITH(reg.load_library(lib), Contains("does not export ftl_plugin_entry"));
}

TEST_CASE("a missing library file is an error that names it") {
  ftl::Registry reg;
  REQUIRE_THROWS_WITH(reg.load_library("/nonexistent/libftlab_x.so"), Contains("/nonexistent/libftlab_x.so"));
}

TEST_CASE("broken libraries in a folder are recorded, not fatal") {
  ftl::Registry reg;
  reg.load_dirs({test::test_plugin_dir("bad_abi"), test::plugin_dir()});
  REQUIRE(reg.failures().size() == 1);
  CHECK_THAT(reg.failures()[0].message, Contains("ABI major"));
  CHECK(reg.factories().size() >= 4);  // the four foundation plugins at least
}

TEST_CASE("the same plugin name from two libraries is an error naming both") {
  test::TempDir dir;
  ftl::Registry reg;
  reg.load_library(test::plugin_dir() + "/libftlab_metric_classification.so");
  // A copy under another file name declares the same (kind, name).
  const auto copy = dir.path / "libftlab_metric_copy.so";
  std::filesystem::copy_file(test::plugin_dir() + "/libftlab_metric_classification.so", copy);
  REQUIRE_THROWS_WITH(reg.load_library(copy.string()),
                      Contains("metric 'classification' is also provided by") && Contains("libftlab_metric_copy.so"));
}
