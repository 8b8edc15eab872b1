// test_e2e.cpp - the quickstart pipeline on tiny sizes: trains, evaluates,
// writes a complete HDF5 file that reads back with the expected layout, runs
// the same twice (determinism), and leaves a .partial file on failure.
#include "helpers.hpp"

#include "config/experiment.hpp"
#include "results/h5.hpp"
#include "train/run.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using Catch::Matchers::Contains;

namespace {

std::string run_tiny(const test::TempDir& dir, const std::string& out, std::vector<std::string> sets = {}) {
  auto e = ftl::load_experiment(test::tiny_experiment(dir), sets);
  ftl::RunOptions opt;
  opt.output = (dir.path / out).string();
  return ftl::run_experiment(e, opt);
}

}  // namespace

TEST_CASE("a tiny run writes a complete results file") {
  test::TempDir dir;
  const std::string path = run_tiny(dir, "run.h5");
  REQUIRE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".partial"));
  auto f = ftl::h5::open_file(path, false);
  CHECK(ftl::h5::read_attr_string(f.id(), "status") == "complete");
  CHECK(ftl::h5::read_attr_string(f.id(), "format") == "ftlab-results");
  CHECK(ftl::h5::read_attr_int(f.id(), "schema_version") == 2);
  {
    auto cfg = ftl::h5::open_group(f.id(), "config");
    CHECK_THAT(ftl::h5::read_attr_string(cfg.id(), "experiment_toml"), Contains("num_labels = 3"));
  }
  CHECK(ftl::h5::read_strings(f.id(), "data/label_names") ==
        std::vector<std::string>{"negative", "neutral", "positive"});
  std::vector<int64_t> shape;
  auto logits = ftl::h5::read<float>(f.id(), "eval/validation/epoch_2/logits", &shape);
  CHECK(shape == std::vector<int64_t>{40, 3});
  for (float v : logits) REQUIRE(std::isfinite(v));
  auto labels = ftl::h5::read<int64_t>(f.id(), "eval/test/final/labels", &shape);
  CHECK(shape == std::vector<int64_t>{50});
  auto steps = ftl::h5::read<int64_t>(f.id(), "train/log/step", &shape);
  CHECK(shape == std::vector<int64_t>{12});  // 2 epochs x ceil(96 / 16)
  auto lr = ftl::h5::read<double>(f.id(), "train/log/learning_rate");
  CHECK(lr[0] == Approx(0.0));   // warmup starts at 0
  CHECK(lr[2] == Approx(1e-3));  // peak after 2 warmup steps
  auto epochs = ftl::h5::read<double>(f.id(), "metrics/validation/epoch");
  CHECK(epochs == std::vector<double>{1.0, 2.0});
  CHECK(ftl::h5::read<int64_t>(f.id(), "metrics/validation/step") == std::vector<int64_t>{6, 12});
  auto padded = ftl::h5::read<double>(f.id(), "train/epochs/padded_fraction");
  REQUIRE(padded.size() == 2);
  CHECK(padded[0] > 0.0);
  CHECK(padded[0] < 1.0);
  auto acc = ftl::h5::read<double>(f.id(), "metrics/test/accuracy");
  REQUIRE(acc.size() == 1);
  CHECK(acc[0] >= 0.0);
  CHECK(ftl::h5::exists(f.id(), "model/weights/classifier.out_proj.weight"));
  auto w = ftl::h5::read<float>(f.id(), "model/weights/classifier.out_proj.weight", &shape);
  CHECK(shape == std::vector<int64_t>{3, 16});
}

TEST_CASE("the same experiment and seed give the same losses and logits") {
  test::TempDir dir;
  auto a = ftl::h5::open_file(run_tiny(dir, "a.h5"), false);
  auto b = ftl::h5::open_file(run_tiny(dir, "b.h5"), false);
  CHECK(ftl::h5::read<float>(a.id(), "train/log/loss") == ftl::h5::read<float>(b.id(), "train/log/loss"));
  CHECK(ftl::h5::read<float>(a.id(), "eval/test/final/logits") ==
        ftl::h5::read<float>(b.id(), "eval/test/final/logits"));
  auto c = ftl::h5::open_file(run_tiny(dir, "c.h5", {"experiment.seed=8"}), false);
  CHECK(ftl::h5::read<float>(a.id(), "train/log/loss") != ftl::h5::read<float>(c.id(), "train/log/loss"));
}

TEST_CASE("a failed run leaves a .partial file marked failed, never a complete one") {
  test::TempDir dir;
  // A learning rate this large drives the loss to inf/nan within a few steps.
  REQUIRE_THROWS_WITH(run_tiny(dir, "bad.h5", {"train.learning_rate=1e30", "train.max_grad_norm=0"}),
                      Contains("training loss is") && Contains("bad.h5.partial"));
  CHECK_FALSE(std::filesystem::exists(dir.path / "bad.h5"));
  auto f = ftl::h5::open_file((dir.path / "bad.h5.partial").string(), false);
  CHECK(ftl::h5::read_attr_string(f.id(), "status") == "failed");
  CHECK_THAT(ftl::h5::read_attr_string(f.id(), "error"), Contains("training loss is"));
}
