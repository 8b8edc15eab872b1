// test_tokenizers.cpp - pair templates, token type ids, truncation, decoding,
// threads and ABI 1.0 compatibility of the bpe and wordpiece plugins. Expected
// ids and type ids were produced by Hugging Face's Rust tokenizers (npm
// `tokenizers` 0.23.2, tokenizer.json of roberta-base / bert-base-uncased).
#include "tok_helpers.hpp"

#include "util/error.hpp"

#include <catch2/catch.hpp>

#include <thread>

using Catch::Matchers::Contains;
using tok_test::open;
using V = std::vector<int32_t>;

namespace {
constexpr uint32_t kAll = FTL_ENCODE_ADD_SPECIAL | FTL_ENCODE_TRUNCATE;
}

TEST_CASE("known single answers from the Hugging Face hub") {
  auto r = open("bpe", TOK_ROBERTA_DIR);
  CHECK(r.vocab_size() == 50265);
  CHECK(r.encode("Hello world") == V{0, 31414, 232, 2});
  CHECK(r.encode(" Hello world") == V{0, 20920, 232, 2});
  CHECK(r.encode("This is an example", 0) == V{713, 16, 41, 1246});
  auto b = open("wordpiece", TOK_BERT_DIR);
  CHECK(b.vocab_size() == 30522);
  CHECK(b.pad_id() == 0);
  CHECK(b.encode("i like strawberries", 0) == V{1045, 2066, 13137, 20968});
  CHECK(b.encode("I like strawberries") == V{101, 1045, 2066, 13137, 20968, 102});
}

TEST_CASE("pair templates and token type ids match Hugging Face") {
  auto r = open("bpe", TOK_ROBERTA_DIR);
  REQUIRE(r.has_encode_pair());
  std::string_view b1 = "second text here";
  auto p = r.encode_pair("Hello world <mask> x", &b1, kAll);
  CHECK(p.ids == V{0, 31414, 232, 50264, 3023, 2, 2, 10815, 2788, 259, 2});
  CHECK(p.type_ids == V(11, 0));
  std::string_view b2 = "second text";
  p = r.encode_pair("Hello world", &b2, 0);
  CHECK(p.ids == V{31414, 232, 10815, 2788});
  CHECK(p.type_ids == V{0, 0, 0, 0});

  auto w = open("wordpiece", TOK_BERT_DIR);
  REQUIRE(w.has_encode_pair());
  p = w.encode_pair("Hello world <mask> x", &b1, kAll);
  CHECK(p.ids == V{101, 7592, 2088, 1026, 7308, 1028, 1060, 102, 2117, 3793, 2182, 102});
  CHECK(p.type_ids == V{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1});
  p = w.encode_pair("Hello world", &b2, 0);
  CHECK(p.ids == V{7592, 2088, 2117, 3793});
  CHECK(p.type_ids == V{0, 0, 1, 1});
  p = w.encode_pair("Hello world x", nullptr, kAll);
  CHECK(p.ids == V{101, 7592, 2088, 1060, 102});
  CHECK(p.type_ids == V(5, 0));
}

TEST_CASE("longest-first truncation of pairs matches Hugging Face (max_length 10)") {
  auto r = open("bpe", TOK_ROBERTA_DIR, "max_length = 10");
  std::string_view longer = "a b c d e f g h i j", shorter = "a b";
  const std::string a = "one two three four five six seven";
  CHECK(r.encode_pair(a, &longer, kAll).ids == V{0, 1264, 80, 130, 2, 2, 102, 741, 740, 2});
  CHECK(r.encode_pair(a, &shorter, kAll).ids == V{0, 1264, 80, 130, 237, 2, 2, 102, 741, 2});
  auto w = open("wordpiece", TOK_BERT_DIR, "max_length = 10");
  auto p = w.encode_pair(a, &longer, kAll);
  CHECK(p.ids == V{101, 2028, 2048, 2093, 102, 1037, 1038, 1039, 1040, 102});
  CHECK(p.type_ids == V{0, 0, 0, 0, 0, 1, 1, 1, 1, 1});
  p = w.encode_pair(a, &shorter, kAll);
  CHECK(p.ids == V{101, 2028, 2048, 2093, 2176, 2274, 102, 1037, 1038, 102});
  CHECK(p.type_ids == V{0, 0, 0, 0, 0, 0, 0, 1, 1, 1});
  // Single texts keep the template and fill max_length exactly.
  auto ids = w.encode(a);
  CHECK(ids == V{101, 2028, 2048, 2093, 2176, 2274, 2416, 2698, 102});
  ids = w.encode(a + " eight nine ten");
  REQUIRE(ids.size() == 10);
  CHECK(ids.front() == 101);
  CHECK(ids.back() == 102);
}

TEST_CASE("decode inverts encode") {
  auto r = open("bpe", TOK_ROBERTA_DIR);
  const std::string text = "Hello world, ça va? 🙂 日本 <s>";
  CHECK(r.decode(r.encode(text, 0), false) == text);
  CHECK(r.decode(r.encode("a  <mask>", 0), false) == "a<mask>");  // <mask> absorbs the spaces before it
  CHECK(r.decode(r.encode("x"), true) == "x");
  CHECK(r.decode(r.encode("x"), false) == "<s>x</s>");
  auto w = open("wordpiece", TOK_BERT_DIR);
  CHECK(w.decode(w.encode("Hello, World! unaffable"), true) == "hello, world! unaffable");
  CHECK(w.decode(w.encode("Hello world x"), false) == "[CLS] hello world x [SEP]");
}

TEST_CASE("encoding from several threads gives the serial result") {
  for (const char* plugin : {"bpe", "wordpiece"}) {
    auto t = open(plugin, plugin == std::string("bpe") ? TOK_ROBERTA_DIR : TOK_BERT_DIR);
    REQUIRE(t.thread_safe());
    std::vector<std::string> texts;
    for (int i = 0; i < 400; ++i)
      texts.push_back("tweet " + std::to_string(i * 7919) + " #tag" + std::to_string(i % 13));
    std::vector<V> serial;
    for (const auto& s : texts) serial.push_back(t.encode(s));
    std::vector<V> par(texts.size());
    std::vector<std::thread> pool;
    for (int k = 0; k < 4; ++k)
      pool.emplace_back([&, k] {
        for (size_t i = static_cast<size_t>(k); i < texts.size(); i += 4) par[i] = t.encode(texts[i]);
      });
    for (auto& th : pool) th.join();
    CHECK(par == serial);
  }
}

TEST_CASE("a tokenizer built against ABI 1.0 loads and has no encode_pair") {
  ftl::Registry reg;
  reg.load_dirs({TOK_ABI10_DIR});
  REQUIRE(reg.failures().empty());
  ftl::Tokenizer t(reg.find(FTL_KIND_TOKENIZER, "abi10_bytes"), tok_test::spec(""));
  CHECK(t.encode("AB") == V{65, 66});
  CHECK_FALSE(t.has_encode_pair());
  std::string_view b = "x";
  REQUIRE_THROWS_WITH(t.encode_pair("a", &b, kAll), Contains("built against plugin ABI 1.0"));
}
