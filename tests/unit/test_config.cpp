// test_config.cpp - experiment loading: malformed TOML, unknown keys, wrong
// types and overrides give one-line errors naming file, line and key.
#include "helpers.hpp"

#include "config/experiment.hpp"
#include "train/run.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

TEST_CASE("a missing experiment file is named") {
  REQUIRE_THROWS_WITH(ftl::load_experiment("/nonexistent/exp.toml", {}),
                      Contains("/nonexistent/exp.toml: experiment file not found"));
}

TEST_CASE("malformed TOML reports file, line and column") {
  test::TempDir dir;
  auto path = dir.file("bad.toml", "[experiment]\nname = \"x\"\nseed = = 3\n");
  REQUIRE_THROWS_WITH(ftl::load_experiment(path, {}), Contains(path + ":3:") && Contains("invalid TOML"));
}

TEST_CASE("an unknown host key names its line") {
  test::TempDir dir;
  auto path = test::tiny_experiment(dir, "lerning_rate = 0.1\n");
  REQUIRE_THROWS_WITH(ftl::load_experiment(path, {}),
                      Contains("tiny.toml:") && Contains("train.lerning_rate") && Contains("unknown key"));
}

TEST_CASE("a wrong type names the key") {
  test::TempDir dir;
  auto path = test::tiny_experiment(dir);
  REQUIRE_THROWS_WITH(ftl::load_experiment(path, {"train.epochs=\"three\""}),
                      Contains("--set train.epochs") && Contains("must be an integer"));
}

TEST_CASE("an unknown section is rejected") {
  test::TempDir dir;
  auto path = test::tiny_experiment(dir, "\n[trian]\nepochs = 1\n");
  REQUIRE_THROWS_WITH(ftl::load_experiment(path, {}), Contains("trian") && Contains("unknown section"));
}

TEST_CASE("command-line overrides set values and create keys") {
  test::TempDir dir;
  auto path = test::tiny_experiment(dir);
  auto e = ftl::load_experiment(path, {"train.epochs=5", "train.learning_rate=3e-4", "experiment.name=other"});
  CHECK(e.train.epochs == 5);
  CHECK(e.train.learning_rate == Approx(3e-4));
  CHECK(e.name == "other");
  REQUIRE_THROWS_WITH(ftl::load_experiment(path, {"train.epochs"}), Contains("expected KEY=VALUE"));
}

TEST_CASE("an unknown key in a plugin's table names the file and line") {
  test::TempDir dir;
  auto path = test::tiny_experiment(dir);
  // Put the unknown key in the [tokenizer] table through a real file edit.
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  text.replace(text.find("max_length = 64"), 15, "max_length = 64\nmax_lenght = 32");
  std::ofstream(path, std::ios::binary) << text;
  auto e = ftl::load_experiment(path, {});
  REQUIRE_THROWS_WITH(ftl::validate_experiment(e, {}),
                      Contains("tiny.toml:11: tokenizer.max_lenght") && Contains("unknown key"));
}

TEST_CASE("a missing plugin key and an unknown plugin are explained") {
  test::TempDir dir;
  auto path = test::tiny_experiment(dir);
  auto e = ftl::load_experiment(path, {"model.plugin=\"gpt9\""});
  REQUIRE_THROWS_WITH(ftl::validate_experiment(e, {}),
                      Contains("no model plugin named 'gpt9'") && Contains("available:") && Contains("roberta"));
}

TEST_CASE("num_labels given by the user must agree with the dataset") {
  test::TempDir dir;
  auto path = test::tiny_experiment(dir);
  auto e = ftl::load_experiment(path, {"model.num_labels=5"});
  REQUIRE_THROWS_WITH(ftl::validate_experiment(e, {}), Contains("model.num_labels is 5 but the dataset gives 3"));
}
