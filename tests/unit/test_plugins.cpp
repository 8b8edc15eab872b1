// test_plugins.cpp - the bundled tokenizer, dataset and metric plugins through
// the ABI, against known answers computed independently: token ids from
// Hugging Face's roberta-base tokenizer (shared/vocab/README.md), metric
// values worked out by hand from a confusion matrix.
#include "helpers.hpp"

#include "plugins/components.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

namespace {

ftl::Registry& registry() {
  static ftl::Registry reg = [] {
    ftl::Registry r;
    r.load_dirs({test::plugin_dir()});
    return r;
  }();
  return reg;
}

ftl::ComponentSpec spec(const std::string& toml, const std::string& base = "") {
  ftl::ComponentSpec s;
  s.toml = toml;
  s.base_dir = base;
  s.where = "test";
  return s;
}

std::string roberta_dir() {
  return test::source_dir() + "/experiments/assets/roberta-base";
}

}  // namespace

TEST_CASE("bpe: ids match Hugging Face roberta-base") {
  ftl::Tokenizer tok(registry().find(FTL_KIND_TOKENIZER, "bpe"), spec("path = \"" + roberta_dir() + "\""));
  CHECK(tok.vocab_size() == 50265);
  CHECK(tok.pad_id() == 1);
  CHECK(tok.encode("Hello world") == std::vector<int32_t>{0, 31414, 232, 2});
  CHECK(tok.encode("This is an example") == std::vector<int32_t>{0, 713, 16, 41, 1246, 2});
  CHECK(tok.encode("") == std::vector<int32_t>{0, 2});
  // Special tokens written in the text are matched, not split into pieces.
  CHECK(tok.encode("a</s>b") == std::vector<int32_t>{0, 102, 2, 428, 2});
  CHECK(tok.decode(tok.encode("Hello world, ça va? 🙂"), true) == "Hello world, ça va? 🙂");
}

TEST_CASE("bpe: truncation keeps the template") {
  ftl::Tokenizer tok(registry().find(FTL_KIND_TOKENIZER, "bpe"),
                     spec("path = \"" + roberta_dir() + "\"\nmax_length = 5"));
  auto ids = tok.encode("one two three four five six seven");
  REQUIRE(ids.size() == 5);
  CHECK(ids.front() == 0);
  CHECK(ids.back() == 2);
}

TEST_CASE("bpe: bad config is reported with the key") {
  auto& f = registry().find(FTL_KIND_TOKENIZER, "bpe");
  REQUIRE_THROWS_WITH(ftl::Tokenizer(f, spec("path = \"/nonexistent\"")), Contains("/nonexistent/vocab.json"));
  REQUIRE_THROWS_WITH(ftl::Tokenizer(f, spec("path = \"" + roberta_dir() + "\"\nmax_length = \"x\"")),
                      Contains("'max_length' must be an integer"));
  REQUIRE_THROWS_WITH(ftl::Tokenizer(f, spec("")), Contains("required key 'path' is missing"));
}

TEST_CASE("tweeteval: blank lines are examples and counts must match") {
  test::TempDir dir;
  dir.file("t/mapping.txt", "0\tneg\n1\tpos\n");
  dir.file("t/train_text.txt", "good\n\nbad\n");
  dir.file("t/train_labels.txt", "1\n0\n0\n");
  dir.file("t/val_text.txt", "x\n");
  dir.file("t/val_labels.txt", "1\n");
  dir.file("t/test_text.txt", "y\n");
  dir.file("t/test_labels.txt", "0\n");
  auto& f = registry().find(FTL_KIND_DATASET, "tweeteval");
  {
    ftl::Dataset d(f, spec("path = \".\"\ntask = \"t\"", dir.str()));
    CHECK(d.num_labels() == 2);
    CHECK(d.label_names() == std::vector<std::string>{"neg", "pos"});
    REQUIRE(d.size(FTL_SPLIT_TRAIN) == 3);
    CHECK(d.example(FTL_SPLIT_TRAIN, 1).text.empty());
    CHECK(d.example(FTL_SPLIT_TRAIN, 2).text == "bad");
    CHECK(d.example(FTL_SPLIT_TRAIN, 0).label == 1);
  }
  dir.file("t/train_labels.txt", "1\n0\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(f, spec("path = \".\"\ntask = \"t\"", dir.str())),
                      Contains("train_text.txt has 3 lines but") && Contains("train_labels.txt has 2"));
  dir.file("t/train_labels.txt", "1\n0\n2\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(f, spec("path = \".\"\ntask = \"t\"", dir.str())),
                      Contains("train_labels.txt:3: label 2 is outside 0..1"));
  REQUIRE_THROWS_WITH(ftl::Dataset(f, spec("path = \".\"\ntask = \"nope\"", dir.str())),
                      Contains("nope/mapping.txt: cannot open"));
}

TEST_CASE("classification metric: values from a hand-worked confusion matrix") {
  ftl::Metric m(registry().find(FTL_KIND_METRIC, "classification"), spec("num_labels = 3"));
  // gold: 0 0 0 1 1 2 ; predictions (argmax): 0 0 1 1 2 2
  const std::vector<float> logits = {3, 1, 0, 2, 1, 0, 0, 5, 1, 0, 4, 2, 1, 0, 9, 0, 1, 2};
  const std::vector<int64_t> labels = {0, 0, 0, 1, 1, 2};
  m.reset();
  m.update(logits.data(), labels.data(), 6, 3);
  auto vals = m.compute();
  auto get = [&](const std::string& k) {
    for (auto& [n, v] : vals)
      if (n == k) return v;
    FAIL("missing " << k);
    return 0.0;
  };
  // per class: P = 1, 1/2, 1/2 ; R = 2/3, 1/2, 1 ; F1 = 0.8, 0.5, 2/3
  CHECK(get("accuracy") == Approx(4.0 / 6));
  CHECK(get("macro_precision") == Approx((1 + 0.5 + 0.5) / 3));
  CHECK(get("macro_recall") == Approx((2.0 / 3 + 0.5 + 1) / 3));
  CHECK(get("macro_f1") == Approx((0.8 + 0.5 + 2.0 / 3) / 3));
  CHECK(get("weighted_f1") == Approx((0.8 * 3 + 0.5 * 2 + 2.0 / 3) / 6));
  auto tables = m.tables();
  REQUIRE(tables[0].name == "confusion_matrix");
  CHECK(tables[0].values == std::vector<double>{2, 1, 0, 0, 1, 1, 0, 0, 1});
  CHECK(m.headline() == "macro_f1");
}

TEST_CASE("a plugin's exception becomes a one-line error") {
  ftl::Registry reg;
  reg.load_dirs({test::test_plugin_dir("throwing_metric")});
  auto& f = reg.find(FTL_KIND_METRIC, "throwing");
  REQUIRE_THROWS_WITH(ftl::Metric(f, spec("bogus = 1")), Contains("unknown key 'bogus'"));
  ftl::Metric m(f, spec(""));
  const float lg[2] = {0, 1};
  const int64_t lb[1] = {1};
  REQUIRE_THROWS_WITH(m.update(lg, lb, 1, 2), Contains("metric 'throwing' update: deliberate failure in update"));
}
