// test_token_cache.cpp - the on-disk token cache (framework/data/token_cache.*)
// with the real bpe tokenizer and table dataset plugins: a miss then a hit give
// the ids encode_split gives; the key follows the vocabulary's contents (not
// its mtime), the tokenizer table, one text, one label; damaged, truncated and
// foreign cache files are rebuilt; FTLAB_CACHE_DIR=off turns the cache off; an
// unwritable folder only costs the caching; a run waits for the one holding the
// key's lock and then reads its file.
#define CATCH_CONFIG_MAIN
#include "data/token_cache.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

ftl::Registry& registry() {
  static ftl::Registry reg = [] {
    ftl::Registry r;
    r.load_dirs({CACHE_TEST_PLUGIN_DIR});
    return r;
  }();
  return reg;
}

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("ftlab-cache-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A scratch copy of the roberta-base vocabulary and a small TSV dataset.
struct Fixture {
  TempDir tmp;
  fs::path vocab = tmp.path / "vocab";
  fs::path data = tmp.path / "data";
  fs::path cache = tmp.path / "cache";
  Fixture() {
    fs::create_directories(vocab);
    fs::create_directories(data);
    for (const char* f : {"vocab.json", "merges.txt"}) fs::copy_file(fs::path(CACHE_TEST_ROBERTA_DIR) / f, vocab / f);
    std::string train = "text\tlabel\n";
    for (int i = 0; i < 300; ++i)
      train += "tweet number " + std::to_string(i) + " is " + (i % 3 ? "fine" : "awful 😠") + "\t" +
               std::to_string(i % 3) + "\n";
    write(data / "train.tsv", train);
    write(data / "validation.tsv", "text\tlabel\nhello there\t0\nsecond line\t1\nthird\t2\n");
  }
  std::unique_ptr<ftl::Tokenizer> tokenizer(const std::string& toml) const {
    ftl::ComponentSpec s;
    s.toml = toml;
    s.base_dir = tmp.path.string();
    s.where = "test tokenizer";
    return std::make_unique<ftl::Tokenizer>(registry().find(FTL_KIND_TOKENIZER, "bpe"), s);
  }
  std::unique_ptr<ftl::Dataset> dataset() const {
    ftl::ComponentSpec s;
    s.toml = "train = \"data/train.tsv\"\nvalidation = \"data/validation.tsv\"\n";
    s.base_dir = tmp.path.string();
    s.where = "test dataset";
    return std::make_unique<ftl::Dataset>(registry().find(FTL_KIND_DATASET, "table"), s);
  }
};

const std::string k_tok_toml = "path = \"vocab\"\nmax_length = 64\n";

ftl::TokenCache open_cache(const Fixture& f, const ftl::Tokenizer& tok, const std::string& toml = k_tok_toml) {
  return ftl::token_cache_open(tok, toml, f.tmp.path.string(), f.cache.string());
}

void check_same(const ftl::EncodedSplit& a, const ftl::EncodedSplit& b) {
  REQUIRE(a.size() == b.size());
  CHECK(a.ids == b.ids);
  CHECK(a.labels == b.labels);
  CHECK(a.total_tokens == b.total_tokens);
}

}  // namespace

TEST_CASE("token cache: a miss then a hit give encode_split's ids") {
  Fixture f;
  auto tok = f.tokenizer(k_tok_toml);
  auto data = f.dataset();
  const ftl::EncodedSplit direct = ftl::encode_split(*tok, *data, FTL_SPLIT_TRAIN, 2);
  REQUIRE(direct.size() == 300);
  const ftl::TokenCache cache = open_cache(f, *tok);
  ftl::TokenCacheOutcome o1, o2, o3;
  const ftl::EncodedSplit first = ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_TRAIN, 2, &o1);
  CHECK(o1 == ftl::TokenCacheOutcome::miss);
  check_same(first, direct);
  const ftl::EncodedSplit second = ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_TRAIN, 1, &o2);
  CHECK(o2 == ftl::TokenCacheOutcome::hit);
  check_same(second, direct);
  // Another split is another key; a fresh tokenizer instance with the same files hits.
  const ftl::EncodedSplit val = ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_VALIDATION, 1, &o3);
  CHECK(o3 == ftl::TokenCacheOutcome::miss);
  CHECK(val.size() == 3);
  auto tok2 = f.tokenizer(k_tok_toml);
  ftl::TokenCacheOutcome o4;
  check_same(ftl::token_cache_encode(open_cache(f, *tok2), *tok2, *data, FTL_SPLIT_TRAIN, 1, &o4), direct);
  CHECK(o4 == ftl::TokenCacheOutcome::hit);
  // An empty split (no test file) is not cached.
  ftl::TokenCacheOutcome o5;
  CHECK(ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_TEST, 1, &o5).size() == 0);
  CHECK(o5 == ftl::TokenCacheOutcome::off);
}

TEST_CASE("token cache: the key follows the vocabulary's contents, not its mtime") {
  Fixture f;
  auto data = f.dataset();
  std::string before, after;
  {
    auto tok = f.tokenizer(k_tok_toml);
    before = ftl::token_cache_key(open_cache(f, *tok), *data, FTL_SPLIT_TRAIN);
    CHECK(ftl::token_cache_key(open_cache(f, *tok), *data, FTL_SPLIT_TRAIN) == before);  // stable
  }
  // Same size, same mtime, one byte different (the merges.txt version comment).
  const fs::path merges = f.vocab / "merges.txt";
  const auto mtime = fs::last_write_time(merges);
  std::string text = read(merges);
  REQUIRE(text.rfind("#version: 0.2", 0) == 0);
  text[11] = '3';
  write(merges, text);
  fs::last_write_time(merges, mtime);
  {
    auto tok = f.tokenizer(k_tok_toml);
    after = ftl::token_cache_key(open_cache(f, *tok), *data, FTL_SPLIT_TRAIN);
  }
  CHECK(after != before);
  // Model weights next to the tokenizer files are not part of the key.
  write(f.vocab / "model.safetensors", "weights do not change ids");
  auto tok = f.tokenizer(k_tok_toml);
  CHECK(ftl::token_cache_key(open_cache(f, *tok), *data, FTL_SPLIT_TRAIN) == after);
  // A tokenizer file added to the folder is.
  write(f.vocab / "tokenizer_config.json", "{}");
  CHECK(ftl::token_cache_key(open_cache(f, *tok), *data, FTL_SPLIT_TRAIN) != after);
}

TEST_CASE("token cache: the key follows the tokenizer table") {
  Fixture f;
  auto data = f.dataset();
  auto tok64 = f.tokenizer(k_tok_toml);
  const std::string toml16 = "path = \"vocab\"\nmax_length = 6\n";  // truncates every text
  auto tok16 = f.tokenizer(toml16);
  const std::string k64 = ftl::token_cache_key(open_cache(f, *tok64), *data, FTL_SPLIT_TRAIN);
  const std::string k16 = ftl::token_cache_key(open_cache(f, *tok16, toml16), *data, FTL_SPLIT_TRAIN);
  CHECK(k64 != k16);
  // And the cached ids differ accordingly: each key gets its own file.
  ftl::TokenCacheOutcome o;
  const auto a = ftl::token_cache_encode(open_cache(f, *tok64), *tok64, *data, FTL_SPLIT_TRAIN, 1, &o);
  const auto b = ftl::token_cache_encode(open_cache(f, *tok16, toml16), *tok16, *data, FTL_SPLIT_TRAIN, 1, &o);
  CHECK(o == ftl::TokenCacheOutcome::miss);
  check_same(b, ftl::encode_split(*tok16, *data, FTL_SPLIT_TRAIN, 1));
  CHECK(a.ids != b.ids);
}

TEST_CASE("token cache: the key follows one text and one label") {
  Fixture f;
  auto tok = f.tokenizer(k_tok_toml);
  const ftl::TokenCache cache = open_cache(f, *tok);
  const std::string k0 = ftl::token_cache_key(cache, *f.dataset(), FTL_SPLIT_TRAIN);
  const fs::path train = f.data / "train.tsv";
  const std::string original = read(train);
  std::string text = original;
  const size_t at = text.find("tweet number 7 ");
  REQUIRE(at != std::string::npos);
  text[at] = 'T';
  write(train, text);
  const std::string k1 = ftl::token_cache_key(cache, *f.dataset(), FTL_SPLIT_TRAIN);
  CHECK(k1 != k0);
  text = original;
  const size_t tab = text.find('\t', text.find("tweet number 8 "));
  text[tab + 1] = text[tab + 1] == '0' ? '1' : '0';
  write(train, text);
  CHECK(ftl::token_cache_key(cache, *f.dataset(), FTL_SPLIT_TRAIN) != k0);
  write(train, original);
  CHECK(ftl::token_cache_key(cache, *f.dataset(), FTL_SPLIT_TRAIN) == k0);
}

TEST_CASE("token cache: damaged, truncated and foreign files are rebuilt") {
  Fixture f;
  auto tok = f.tokenizer(k_tok_toml);
  auto data = f.dataset();
  const ftl::TokenCache cache = open_cache(f, *tok);
  const ftl::EncodedSplit direct = ftl::encode_split(*tok, *data, FTL_SPLIT_TRAIN, 1);
  const std::string key = ftl::token_cache_key(cache, *data, FTL_SPLIT_TRAIN);
  const fs::path file = f.cache / (key + ".ftltok");
  ftl::TokenCacheOutcome o;
  ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_TRAIN, 1, &o);
  REQUIRE(o == ftl::TokenCacheOutcome::miss);
  const std::string good = read(file);
  REQUIRE(good.size() > 64);

  auto damage_and_check = [&](const std::string& bytes, const char* why) {
    INFO(why);
    write(file, bytes);
    ftl::EncodedSplit s;
    std::string problem;
    CHECK_FALSE(ftl::token_cache_read(file.string(), key, s, &problem));
    CHECK_FALSE(problem.empty());
    check_same(ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_TRAIN, 1, &o), direct);
    CHECK(o == ftl::TokenCacheOutcome::rebuilt);
    CHECK(read(file) == good);  // rewritten, then a hit
    check_same(ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_TRAIN, 1, &o), direct);
    CHECK(o == ftl::TokenCacheOutcome::hit);
  };
  damage_and_check(good.substr(0, good.size() - 4), "truncated body");
  damage_and_check(good.substr(0, 40), "truncated header");
  damage_and_check("", "empty file");
  std::string flipped = good;
  flipped[good.size() - 3] ^= 0x40;  // one id changed: only the checksum can tell
  damage_and_check(flipped, "one id flipped");
  std::string lengths = good;
  lengths[64 + 300 * 8] ^= 0x01;  // first length changed: the checksum tells
  damage_and_check(lengths, "one length changed");
  damage_and_check("text\tlabel\nnot a cache file at all, just some text of some length\t0\n", "foreign file");
  // A valid file of another key copied under this name.
  const std::string other_key(32, 'a');
  ftl::token_cache_write((f.cache / "other.ftltok").string(), other_key, direct);
  damage_and_check(read(f.cache / "other.ftltok"), "another key's file");
  std::string version = good;
  version[8] = 99;
  damage_and_check(version, "another format version");
}

TEST_CASE("token cache: folder from the environment, off switch") {
  const char* saved[3] = {std::getenv("FTLAB_CACHE_DIR"), std::getenv("XDG_CACHE_HOME"), std::getenv("HOME")};
  const std::string keep[3] = {saved[0] ? saved[0] : "", saved[1] ? saved[1] : "", saved[2] ? saved[2] : ""};
  setenv("FTLAB_CACHE_DIR", "/x/tokens", 1);
  CHECK(ftl::token_cache_dir() == "/x/tokens");
  setenv("FTLAB_CACHE_DIR", "off", 1);
  CHECK(ftl::token_cache_dir().empty());
  unsetenv("FTLAB_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  CHECK(ftl::token_cache_dir() == "/xdg/ftlab/tokens");
  unsetenv("XDG_CACHE_HOME");
  setenv("HOME", "/home/u", 1);
  CHECK(ftl::token_cache_dir() == "/home/u/.cache/ftlab/tokens");
  const char* names[3] = {"FTLAB_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
  for (int i = 0; i < 3; ++i)
    if (saved[i])
      setenv(names[i], keep[i].c_str(), 1);
    else
      unsetenv(names[i]);

  // Off: encode_split's ids, no file written.
  Fixture f;
  auto tok = f.tokenizer(k_tok_toml);
  auto data = f.dataset();
  const ftl::TokenCache off = ftl::token_cache_open(*tok, k_tok_toml, f.tmp.path.string(), "");
  ftl::TokenCacheOutcome o;
  check_same(ftl::token_cache_encode(off, *tok, *data, FTL_SPLIT_TRAIN, 1, &o),
             ftl::encode_split(*tok, *data, FTL_SPLIT_TRAIN, 1));
  CHECK(o == ftl::TokenCacheOutcome::off);
  CHECK_FALSE(fs::exists(f.cache));
}

TEST_CASE("token cache: a folder that cannot be written is a warning, not an error") {
  Fixture f;
  auto tok = f.tokenizer(k_tok_toml);
  auto data = f.dataset();
  write(f.tmp.path / "a-file", "not a folder");
  const ftl::TokenCache cache =
      ftl::token_cache_open(*tok, k_tok_toml, f.tmp.path.string(), (f.tmp.path / "a-file" / "cache").string());
  ftl::TokenCacheOutcome o;
  ftl::EncodedSplit s;
  REQUIRE_NOTHROW(s = ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_TRAIN, 1, &o));
  CHECK(o == ftl::TokenCacheOutcome::miss);
  check_same(s, ftl::encode_split(*tok, *data, FTL_SPLIT_TRAIN, 1));
}

TEST_CASE("token cache: a run waits for the one tokenizing the same split, then reads its file") {
  Fixture f;
  auto tok = f.tokenizer(k_tok_toml);
  auto data = f.dataset();
  const ftl::TokenCache cache = open_cache(f, *tok);
  const std::string key = ftl::token_cache_key(cache, *data, FTL_SPLIT_TRAIN);
  const fs::path file = f.cache / (key + ".ftltok");
  fs::create_directories(f.cache);
  // Play the other run: hold the key's lock (flock locks conflict between open files, also in one process).
  const int fd = ::open((file.string() + ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  ftl::TokenCacheOutcome o = ftl::TokenCacheOutcome::off;
  ftl::EncodedSplit got;
  std::thread waiter([&] { got = ftl::token_cache_encode(cache, *tok, *data, FTL_SPLIT_TRAIN, 1, &o); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(o == ftl::TokenCacheOutcome::off);  // still waiting
  const ftl::EncodedSplit direct = ftl::encode_split(*tok, *data, FTL_SPLIT_TRAIN, 1);
  ftl::token_cache_write(file.string(), key, direct);
  ::close(fd);  // the other run is done
  waiter.join();
  CHECK(o == ftl::TokenCacheOutcome::hit);  // read what the other run wrote, tokenized nothing
  check_same(got, direct);
}
