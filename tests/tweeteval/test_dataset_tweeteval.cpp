// test_dataset_tweeteval.cpp - the `tweeteval` dataset plugin: the text quirks
// of the reference notes (blank lines, Python strip incl. NBSP but not U+FEFF
// or U+200B, literal \n, tabs in merged lines, no HTML unescaping), Cardiff
// preprocessing, stance pooled in the official order, and the messages for a
// missing task folder, missing sentiment training text and the reversed
// offensive mapping. Facts about the real files are checked when ../shared exists.
#include "helpers.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

namespace {

std::string one_task(tt::TempDir& dir, const std::string& task, const std::string& train_text,
                     const std::string& train_labels, const std::string& mapping = "0\tneg\n1\tpos\n") {
  dir.file(task + "/mapping.txt", mapping);
  dir.file(task + "/train_text.txt", train_text);
  dir.file(task + "/train_labels.txt", train_labels);
  dir.file(task + "/val_text.txt", "v\n");
  dir.file(task + "/val_labels.txt", "0\n");
  dir.file(task + "/test_text.txt", "t\n");
  dir.file(task + "/test_labels.txt", "1\n");
  return "path = \"" + dir.str() + "\"\ntask = \"" + task + "\"\n";
}

const ftl::FactoryRef& factory() {
  return tt::registry().find(FTL_KIND_DATASET, "tweeteval");
}

}  // namespace

TEST_CASE("tweeteval: text quirks are kept, whitespace stripped as Python does") {
  tt::TempDir dir;
  const std::string texts =
      "  two spaces  \n"                 // ASCII strip
      "\n"                               // blank line: an example
      "\xC2\xA0nbsp\xC2\xA0\n"           // U+00A0 stripped (Python strip)
      "\xEF\xBB\xBFword \xE2\x80\x8B\n"  // U+FEFF and U+200B are not whitespace in Python
      "literal \\n stays &amp; &lt;3\n"  // backslash-n and HTML entities untouched
      "123\t0\tglued\ttweets \n"         // tabs inside merged irony lines
      "caf\xC3\xA9 \xE3\x80\x80\n";      // U+3000 ideographic space stripped
  ftl::Dataset d(factory(), tt::spec(one_task(dir, "t", texts, "0\n0\n1\n1\n0\n1\n0\n")));
  REQUIRE(d.size(FTL_SPLIT_TRAIN) == 7);
  CHECK(d.example(FTL_SPLIT_TRAIN, 0).text == "two spaces");
  CHECK(d.example(FTL_SPLIT_TRAIN, 1).text.empty());
  CHECK(d.example(FTL_SPLIT_TRAIN, 1).label == 0);
  CHECK(d.example(FTL_SPLIT_TRAIN, 2).text == "nbsp");
  CHECK(d.example(FTL_SPLIT_TRAIN, 3).text == "\xEF\xBB\xBFword \xE2\x80\x8B");
  CHECK(d.example(FTL_SPLIT_TRAIN, 4).text == "literal \\n stays &amp; &lt;3");
  CHECK(d.example(FTL_SPLIT_TRAIN, 5).text == "123\t0\tglued\ttweets");
  CHECK(d.example(FTL_SPLIT_TRAIN, 6).text == "caf\xC3\xA9");
  ftl::Dataset raw(factory(), tt::spec(one_task(dir, "t", texts, "0\n0\n1\n1\n0\n1\n0\n") + "strip = false\n"));
  CHECK(raw.example(FTL_SPLIT_TRAIN, 0).text == "  two spaces  ");
}

TEST_CASE("tweeteval: Cardiff preprocessing is off by default and maps @x and http tokens") {
  tt::TempDir dir;
  const std::string texts = "@user hi @Someone see https://t.co/x and http \n@ Place @ x @@a httpx LAME@USER\n";
  const std::string cfg = one_task(dir, "t", texts, "0\n1\n");
  ftl::Dataset plain(factory(), tt::spec(cfg));
  CHECK(plain.example(FTL_SPLIT_TRAIN, 0).text == "@user hi @Someone see https://t.co/x and http");
  ftl::Dataset pre(factory(), tt::spec(cfg + "preprocess = \"cardiff\"\n"));
  CHECK(pre.example(FTL_SPLIT_TRAIN, 0).text == "@user hi @user see http and http");
  CHECK(pre.example(FTL_SPLIT_TRAIN, 1).text == "@ Place @ x @user http LAME@USER");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec(cfg + "preprocess = \"bertweet\"\n")),
                      Contains("preprocess must be \"none\" or \"cardiff\""));
}

TEST_CASE("tweeteval: stance pools the five targets in the official order") {
  tt::TempDir dir;
  dir.file("stance/mapping.txt", "0\tnone\n1\tagainst\n2\tfavor");  // no final newline, as upstream
  const char* targets[5] = {"abortion", "atheism", "climate", "feminist", "hillary"};
  for (int k = 0; k < 5; ++k)
    for (const char* split : {"train", "val", "test"}) {
      std::string text, labels;
      for (int i = 0; i <= k; ++i) {
        text += std::string(targets[k]) + " " + std::to_string(i) + " #SemST\n";
        labels += std::to_string(i % 3) + "\n";
      }
      dir.file(std::string("stance/") + targets[k] + "/" + split + "_text.txt", text);
      dir.file(std::string("stance/") + targets[k] + "/" + split + "_labels.txt", labels);
    }
  ftl::Dataset pooled(factory(), tt::spec("path = \"" + dir.str() + "\"\ntask = \"stance\""));
  CHECK(pooled.num_labels() == 3);
  CHECK(pooled.label_names() == std::vector<std::string>{"none", "against", "favor"});
  REQUIRE(pooled.size(FTL_SPLIT_TEST) == 1 + 2 + 3 + 4 + 5);
  CHECK(pooled.example(FTL_SPLIT_TEST, 0).text == "abortion 0 #SemST");
  CHECK(pooled.example(FTL_SPLIT_TEST, 1).text == "atheism 0 #SemST");
  CHECK(pooled.example(FTL_SPLIT_TEST, 3).text == "climate 0 #SemST");
  CHECK(pooled.example(FTL_SPLIT_TEST, 14).text == "hillary 4 #SemST");
  CHECK(pooled.example(FTL_SPLIT_TEST, 14).label == 1);
  ftl::Dataset one(factory(), tt::spec("path = \"" + dir.str() + "\"\ntask = \"stance/climate\""));
  CHECK(one.size(FTL_SPLIT_TRAIN) == 3);
  CHECK(one.num_labels() == 3);
}

TEST_CASE("tweeteval: bad copies get clear messages") {
  tt::TempDir dir;
  const std::string cfg = one_task(dir, "offensive", "a\nb\n", "0\n1\n", "0\toffensive\n1\tnot-offensive\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec(cfg)),
                      Contains("offensive/mapping.txt: reversed offensive mapping") && Contains("0 = not-offensive"));
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("path = \"" + dir.str() + "\"\ntask = \"hate\"")),
                      Contains("task folder " + dir.str() + "/hate is missing") && Contains("dataset.path"));
  one_task(dir, "sentiment", "a\n", "0\n");
  std::filesystem::remove(dir.path / "sentiment/train_text.txt");
  REQUIRE_THROWS_WITH(
      ftl::Dataset(factory(), tt::spec("path = \"" + dir.str() + "\"\ntask = \"sentiment\"")),
      Contains("sentiment/train_text.txt: cannot open") && Contains("45615 lines") && Contains("cardiffnlp/tweeteval"));
}

TEST_CASE("tweeteval: the shared copy loads with the documented sizes and quirks") {
  const std::string root = tt::shared_tweeteval();
  if (root.empty()) {
    WARN("../shared/data/tweeteval is absent; real-file checks skipped");
    return;
  }
  struct Want {
    const char* task;
    int64_t labels, train, val, test;
  };
  for (Want w : {Want{"emotion", 4, 3257, 374, 1421}, Want{"hate", 2, 9000, 1000, 2970},
                 Want{"irony", 2, 2862, 955, 784}, Want{"offensive", 2, 11916, 1324, 860},
                 Want{"stance", 3, 2620, 294, 1249}, Want{"stance/hillary", 3, 620, 69, 295}}) {
    ftl::Dataset d(factory(), tt::spec("path = \"" + root + "\"\ntask = \"" + w.task + "\""));
    INFO(w.task);
    CHECK(d.num_labels() == w.labels);
    CHECK(d.size(FTL_SPLIT_TRAIN) == w.train);
    CHECK(d.size(FTL_SPLIT_VALIDATION) == w.val);
    CHECK(d.size(FTL_SPLIT_TEST) == w.test);
  }
  ftl::Dataset hate(factory(), tt::spec("path = \"" + root + "\"\ntask = \"hate\""));
  CHECK(hate.example(FTL_SPLIT_TRAIN, 1467).text.empty());  // 1-based line 1468 is blank
  CHECK(hate.example(FTL_SPLIT_TRAIN, 1467).label == 0);
  ftl::Dataset emotion(factory(), tt::spec("path = \"" + root + "\"\ntask = \"emotion\""));
  CHECK(emotion.example(FTL_SPLIT_TEST, 395).text.substr(0, 3) == "\xEF\xBB\xBF");  // U+FEFF kept (line 396)
  ftl::Dataset irony(factory(), tt::spec("path = \"" + root + "\"\ntask = \"irony\""));
  CHECK(irony.example(FTL_SPLIT_TRAIN, 1295).text.find('\t') != std::string_view::npos);  // merged line 1296
  ftl::Dataset emoji(factory(), tt::spec("path = \"" + root + "\"\ntask = \"emoji\""));
  CHECK(emoji.num_labels() == 20);
  CHECK(emoji.size(FTL_SPLIT_TEST) == 50000);
}
