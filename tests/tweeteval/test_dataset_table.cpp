// test_dataset_table.cpp - the `table` dataset plugin: RFC 4180 CSV (quoted
// delimiters, doubled quotes, line breaks inside quotes, CRLF, BOM), TSV,
// JSONL, label names given or inferred (numeric or code-point order), and
// file:line errors for malformed input.
#include "helpers.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

namespace {

const ftl::FactoryRef& factory() {
  return tt::registry().find(FTL_KIND_DATASET, "table");
}

}  // namespace

TEST_CASE("table: RFC 4180 CSV with inferred string labels") {
  tt::TempDir dir;
  dir.file("train.csv",
           "\xEF\xBB\xBFid,text,label\r\n"
           "1,plain,pos\r\n"
           "2,\"with, comma\",neg\r\n"
           "3,\"say \"\"hi\"\"\",pos\r\n"
           "4,\"two\r\nlines\",neutral\r\n"
           "\r\n"
           "5,,neg");  // empty text, no final line break
  ftl::Dataset d(factory(), tt::spec("train = \"train.csv\"", dir.str()));
  CHECK(d.label_names() == std::vector<std::string>{"neg", "neutral", "pos"});  // sorted like Python
  REQUIRE(d.size(FTL_SPLIT_TRAIN) == 5);
  CHECK(d.size(FTL_SPLIT_TEST) == 0);
  CHECK(d.example(FTL_SPLIT_TRAIN, 0).text == "plain");
  CHECK(d.example(FTL_SPLIT_TRAIN, 0).label == 2);
  CHECK(d.example(FTL_SPLIT_TRAIN, 1).text == "with, comma");
  CHECK(d.example(FTL_SPLIT_TRAIN, 2).text == "say \"hi\"");
  CHECK(d.example(FTL_SPLIT_TRAIN, 3).text == "two\r\nlines");
  CHECK(d.example(FTL_SPLIT_TRAIN, 3).label == 1);
  CHECK(d.example(FTL_SPLIT_TRAIN, 4).text.empty());
}

TEST_CASE("table: TSV and JSONL, integer labels in numeric order, given names") {
  tt::TempDir dir;
  dir.file("a.tsv", "sentence\ty\nfirst\t10\nsecond\t2\nthird\t9\n");
  ftl::Dataset tsv(factory(),
                   tt::spec("train = \"a.tsv\"\ntext_column = \"sentence\"\nlabel_column = \"y\"", dir.str()));
  CHECK(tsv.label_names() == std::vector<std::string>{"2", "9", "10"});
  CHECK(tsv.example(FTL_SPLIT_TRAIN, 0).label == 2);
  dir.file("b.tsv", "first\t1\nsecond\t0\n");
  ftl::Dataset nohead(factory(),
                      tt::spec("train = \"b.tsv\"\nheader = false\ntext_column = 0\nlabel_column = 1", dir.str()));
  CHECK(nohead.example(FTL_SPLIT_TRAIN, 0).text == "first");
  CHECK(nohead.example(FTL_SPLIT_TRAIN, 1).label == 0);
  dir.file("train.jsonl",
           "{\"text\": \"caf\\u00e9 \\\"q\\\"\", \"label\": \"positive\"}\n\n{\"text\": \"b\", \"label\": 0}\n");
  dir.file("test.jsonl", "{\"text\": \"c\", \"label\": \"neutral\", \"extra\": [1, 2]}\n");
  ftl::Dataset js(factory(), tt::spec("train = \"train.jsonl\"\ntest = \"test.jsonl\"\n"
                                      "labels = [\"negative\", \"neutral\", \"positive\"]",
                                      dir.str()));
  CHECK(js.num_labels() == 3);
  CHECK(js.example(FTL_SPLIT_TRAIN, 0).text == "caf\xC3\xA9 \"q\"");
  CHECK(js.example(FTL_SPLIT_TRAIN, 0).label == 2);
  CHECK(js.example(FTL_SPLIT_TRAIN, 1).label == 0);  // an id given directly
  CHECK(js.example(FTL_SPLIT_TEST, 0).label == 1);
}

TEST_CASE("table: malformed files and settings are named with file:line") {
  tt::TempDir dir;
  dir.file("q.csv", "text,label\n\"open,1\nnext,0\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"q.csv\"", dir.str())),
                      Contains("q.csv:2: a quoted field is never closed"));
  dir.file("f.csv", "text,label\na,1\nb,1,extra\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"f.csv\"", dir.str())),
                      Contains("f.csv:3: 3 fields but the first record has 2"));
  dir.file("i.csv", "text,label\nsay \"x\",1\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"i.csv\"", dir.str())),
                      Contains("i.csv:2: a quote inside an unquoted field"));
  dir.file("ok.csv", "text,label\na,1\nb,0\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"ok.csv\"\ntext_column = \"tweet\"", dir.str())),
                      Contains("no column 'tweet'") && Contains("'text', 'label'"));
  dir.file("v.csv", "text,label\nc,7\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"ok.csv\"\nvalidation = \"v.csv\"", dir.str())),
                      Contains("v.csv:2: label '7' is not one of the 2 labels"));
  dir.file("bad.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": oops}\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"bad.jsonl\"", dir.str())),
                      Contains("bad.jsonl:2: not valid JSON"));
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"ok.csv\"\nlabels = [\"a\"]", dir.str())),
                      Contains("at least two"));
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"ok.csv\"\ncolumns = 1", dir.str())),
                      Contains("unknown key 'columns'"));
  dir.file("x.txt", "a\n");
  REQUIRE_THROWS_WITH(ftl::Dataset(factory(), tt::spec("train = \"x.txt\"", dir.str())),
                      Contains("cannot tell the format"));
}
