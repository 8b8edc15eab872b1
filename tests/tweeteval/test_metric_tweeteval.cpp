// test_metric_tweeteval.cpp - the `tweeteval` metric plugin against values
// worked out by hand (the scikit-learn comparison on random data is
// check_score.py): the official rule of each task, labels absent from gold or
// predictions, zero denominators, the -1 of evaluation_script.py when the
// class it reads is absent, and config errors.
#include "helpers.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

namespace {

std::vector<std::pair<std::string, double>> run(const std::string& task, int64_t C, const std::vector<int64_t>& gold,
                                                const std::vector<int64_t>& pred, std::string* headline = nullptr) {
  ftl::Metric m(tt::registry().find(FTL_KIND_METRIC, "tweeteval"),
                tt::spec("task = \"" + task + "\"\nnum_labels = " + std::to_string(C)));
  std::vector<float> logits(gold.size() * static_cast<size_t>(C), 0.0f);
  for (size_t i = 0; i < pred.size(); ++i) logits[i * static_cast<size_t>(C) + static_cast<size_t>(pred[i])] = 1.0f;
  m.reset();
  m.update(logits.data(), gold.data(), static_cast<int64_t>(gold.size()), C);
  if (headline) *headline = m.headline();
  return m.compute();
}

double get(const std::vector<std::pair<std::string, double>>& v, const std::string& k) {
  for (const auto& [n, x] : v)
    if (n == k) return x;
  FAIL("missing " << k);
  return 0;
}

}  // namespace

TEST_CASE("tweeteval metric: the official value of each task") {
  // gold 0 0 0 1 1 2, pred 0 0 1 1 2 2: P = 1, 1/2, 1/2; R = 2/3, 1/2, 1; F1 = 0.8, 0.5, 2/3
  const std::vector<int64_t> gold = {0, 0, 0, 1, 1, 2}, pred = {0, 0, 1, 1, 2, 2};
  std::string headline;
  auto s = run("sentiment", 3, gold, pred, &headline);
  CHECK(headline == "tweeteval");
  CHECK(get(s, "tweeteval") == Approx((2.0 / 3 + 0.5 + 1) / 3).epsilon(1e-15));
  CHECK(get(s, "macro_f1") == Approx((0.8 + 0.5 + 2.0 / 3) / 3).epsilon(1e-15));
  CHECK(get(s, "weighted_precision") == Approx((1 * 3 + 0.5 * 2 + 0.5) / 6).epsilon(1e-15));
  CHECK(get(s, "micro_f1") == Approx(4.0 / 6).epsilon(1e-15));
  auto st = run("stance", 3, gold, pred);
  CHECK(get(st, "tweeteval") == Approx((0.5 + 2.0 / 3) / 2).epsilon(1e-15));
  auto st1 = run("stance/abortion", 3, gold, pred);
  CHECK(get(st1, "tweeteval") == Approx((0.5 + 2.0 / 3) / 2).epsilon(1e-15));
  // irony: F1 of class 1; gold 0 1 1 1, pred 1 1 0 0 -> P = 1/2, R = 1/3, F1 = 0.4
  auto ir = run("irony", 2, {0, 1, 1, 1}, {1, 1, 0, 0});
  CHECK(get(ir, "tweeteval") == Approx(0.4).epsilon(1e-15));
  auto hate = run("hate", 2, {0, 1, 1, 1}, {1, 1, 0, 0});  // F1 class 0 = 0
  CHECK(get(hate, "tweeteval") == Approx(0.2).epsilon(1e-15));
}

TEST_CASE("tweeteval metric: labels absent from gold or predictions, zero denominators") {
  // emotion, 4 labels: label 3 in neither (left out of the macro average);
  // label 2 predicted but never gold (P = 0, R = 0 / 0 -> 0, F1 = 0, kept in the average)
  auto e = run("emotion", 4, {0, 0, 1, 1}, {0, 2, 1, 1});
  // P = 1, 1, 0; R = 1/2, 1, 0; F1 = 2/3, 1, 0 over 3 present labels
  CHECK(get(e, "tweeteval") == Approx((2.0 / 3 + 1 + 0) / 3).epsilon(1e-15));
  CHECK(get(e, "macro_recall") == Approx((0.5 + 1 + 0) / 3).epsilon(1e-15));
  CHECK(get(e, "weighted_f1") == Approx((2.0 / 3 * 2 + 1 * 2) / 4).epsilon(1e-15));
  // everything predicted as 0: precision of the others is 0 / 0 -> 0
  auto h = run("offensive", 2, {0, 1, 1}, {0, 0, 0});
  CHECK(get(h, "tweeteval") == Approx((0.5 + 0) / 2).epsilon(1e-15));
  // evaluation_script.py reads results['1']: absent from gold and predictions -> KeyError -> -1
  CHECK(get(run("irony", 2, {0, 0}, {0, 0}), "tweeteval") == -1);
  CHECK(get(run("stance", 3, {0, 1}, {0, 1}), "tweeteval") == -1);
}

TEST_CASE("tweeteval metric: config errors") {
  auto& f = tt::registry().find(FTL_KIND_METRIC, "tweeteval");
  REQUIRE_THROWS_WITH(ftl::Metric(f, tt::spec("task = \"sarcasm\"\nnum_labels = 2")),
                      Contains("'sarcasm' is not a TweetEval task"));
  REQUIRE_THROWS_WITH(ftl::Metric(f, tt::spec("task = \"irony\"\nnum_labels = 3")),
                      Contains("TweetEval irony has 2 labels but the data has 3"));
  REQUIRE_THROWS_WITH(ftl::Metric(f, tt::spec("num_labels = 3")), Contains("required key 'task'"));
}
