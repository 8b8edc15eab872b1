// test_bad_input.cpp - what the tokenizer plugins do with bad input: invalid
// UTF-8 (replaced by U+FFFD, like node's and Rust's lossy decoders), NUL
// bytes, empty and 1 MB lines, and missing or corrupt vocabulary files (one
// error naming the file, and the line where there is one).
#include "tok_helpers.hpp"

#include "util/error.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using tok_test::open;
using V = std::vector<int32_t>;

TEST_CASE("invalid UTF-8 is encoded as if each bad sequence were U+FFFD") {
  for (const char* plugin : {"bpe", "wordpiece"}) {
    auto t = open(plugin, plugin == std::string("bpe") ? TOK_ROBERTA_DIR : TOK_BERT_DIR);
    CHECK(t.encode("caf\xC3") == t.encode("caf\xEF\xBF\xBD"));
    CHECK(t.encode("\xFF\xFE ok") == t.encode("\xEF\xBF\xBD\xEF\xBF\xBD ok"));
    CHECK(t.encode("\xF0\x9F\x98 x") == t.encode("\xEF\xBF\xBD x"));  // truncated 4-byte sequence: one U+FFFD
    CHECK(t.encode("\xED\xA0\x80") == t.encode("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));  // surrogate: three
  }
}

TEST_CASE("NUL bytes and empty or blank lines encode without error") {
  auto r = open("bpe", TOK_ROBERTA_DIR);
  CHECK(r.encode("") == V{0, 2});
  CHECK(r.encode(std::string("a\0b", 3), 0).size() == 3);  // NUL is byte 0, its own byte-level symbol
  CHECK(r.decode(r.encode(std::string("a\0b", 3), 0), false) == std::string("a\0b", 3));
  auto w = open("wordpiece", TOK_BERT_DIR);
  CHECK(w.encode("") == V{101, 102});
  CHECK(w.encode("   \t ") == V{101, 102});
  CHECK(w.encode(std::string("a\0b", 3), 0) == w.encode("ab", 0));  // BERT's clean_text drops NUL
}

TEST_CASE("1 MB lines: many words, and one word (heap merge, WordPiece limit)") {
  auto r = open("bpe", TOK_ROBERTA_DIR);
  std::string words;
  while (words.size() < (1u << 20)) words += "hello world ";
  const auto ids = r.encode(words, 0);
  CHECK(ids.size() == words.size() / 6 + 1);  // "hello", " world", " hello", ..., one id each, then the last " "
  CHECK(r.decode(ids, false) == words);
  const std::string one(1u << 20, 'a');
  const auto a = r.encode(one, 0);
  CHECK(a.size() < one.size() / 2);  // merged, not left as bytes
  CHECK(r.decode(a, false) == one);
  auto w = open("wordpiece", TOK_BERT_DIR);
  CHECK(w.encode(one) == V{101, 100, 102});  // over 100 characters: [UNK]
  CHECK(w.encode(words, 0).size() == words.size() / 6);
}

TEST_CASE("missing or corrupt BPE files are named with the line") {
  auto& f = tok_test::registry().find(FTL_KIND_TOKENIZER, "bpe");
  auto make = [&](const std::string& dir) { return ftl::Tokenizer(f, tok_test::spec("path = \"" + dir + "\"")); };
  tok_test::TempDir d;
  REQUIRE_THROWS_WITH(make(d.str()), Contains(d.str() + "/vocab.json: cannot open"));
  const std::string merges = tok_test::read(std::string(TOK_ROBERTA_DIR) + "/merges.txt");
  d.file("merges.txt", merges);
  d.file("vocab.json", "{\"a\": 1,");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("vocab.json: not valid JSON"));
  d.file("vocab.json", "{\"a\": \"one\"}");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("vocab.json: id of 'a' is a string"));
  d.file("vocab.json", tok_test::read(std::string(TOK_ROBERTA_DIR) + "/vocab.json"));
  d.file("merges.txt", "#version: 0.2\n\xC4\xA0 t\nbroken-line\n");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("merges.txt:3: expected two tokens separated by one space"));
  d.file("merges.txt", "#version: 0.2\nzzzzq qqqqz\n");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("merges.txt:2: merge 'zzzzq qqqqz' uses a token missing"));
  d.file("merges.txt", "");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("merges.txt: no merges found"));
}

TEST_CASE("missing or corrupt WordPiece files are named with the line") {
  auto& f = tok_test::registry().find(FTL_KIND_TOKENIZER, "wordpiece");
  auto make = [&](const std::string& dir) { return ftl::Tokenizer(f, tok_test::spec("path = \"" + dir + "\"")); };
  tok_test::TempDir d;
  REQUIRE_THROWS_WITH(make(d.str()), Contains("has neither vocab.txt nor tokenizer.json"));
  d.file("vocab.txt", "[PAD]\n\xFF\xFE\n[UNK]\n");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("vocab.txt:2: not valid UTF-8"));
  d.file("vocab.txt", "");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("vocab.txt: empty"));
  d.file("vocab.txt", "[PAD]\n[UNK]\nhello\n");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("cls_token '[CLS]' is not in the vocabulary"));
  std::filesystem::remove(d.path / "vocab.txt");
  d.file("tokenizer.json", "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("tokenizer.json: model.type is not \"WordPiece\""));
  d.file("tokenizer.json", "{\"model\": ");
  REQUIRE_THROWS_WITH(make(d.str()), Contains("tokenizer.json: not valid JSON"));
}
