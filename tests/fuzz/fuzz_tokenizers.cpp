// fuzz_tokenizers.cpp - libFuzzer harness for the bpe and wordpiece tokenizer
// plugins, driven through the plugin ABI (their sources are compiled in with
// ftl_plugin_entry renamed per plugin; see run_fuzz.sh). Each input is
// encoded with every flag combination, as a pair split at a byte chosen by
// the input, with a too-small buffer first (FTL_ERR_BUFFER_TOO_SMALL path),
// and its bytes are also decoded as ids. Checked properties: no crash or
// sanitizer report, statuses are OK or documented errors, ids lie inside the
// vocabulary, and for BPE text without '<' decode(encode(x)) equals x with
// invalid UTF-8 replaced by U+FFFD.
#include <ftlab/plugin.h>

#include "utf8_repair.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" const ftl_plugin_descriptor* ftl_entry_bpe(uint32_t, const ftl_host_api*, ftl_error*) noexcept;
extern "C" const ftl_plugin_descriptor* ftl_entry_wordpiece(uint32_t, const ftl_host_api*, ftl_error*) noexcept;

namespace {

struct Tok {
  const ftl_tokenizer_vtable* vt = nullptr;
  ftl_instance* self = nullptr;
  int64_t vocab = 0;
  bool bpe = false;
};
Tok g_tok[2];

void die(const char* what, const ftl_error& e) {
  std::fprintf(stderr, "fuzz: %s: %s\n", what, e.message);
  std::abort();
}

Tok open(const ftl_plugin_descriptor* d, const std::string& dir, bool bpe) {
  ftl_error err{};
  err.struct_size = sizeof err;
  Tok t;
  t.vt = static_cast<const ftl_tokenizer_vtable*>(d->factories[0].vtable);
  const std::string toml = "path = \"" + dir + "\"\nmax_length = 64\n";
  ftl_config cfg{};
  cfg.struct_size = sizeof cfg;
  cfg.toml = toml.c_str();
  cfg.toml_len = toml.size();
  cfg.base_dir = "";
  if (t.vt->common.create(&cfg, nullptr, &t.self, &err) != FTL_OK) die("create", err);
  t.vocab = t.vt->vocab_size(t.self);
  t.bpe = bpe;
  return t;
}

void check(int32_t rc, const ftl_error& err, const char* what) {
  if (rc != FTL_OK && rc != FTL_ERR_INVALID_ARGUMENT) die(what, err);
}

void run(const Tok& t, const char* text, size_t len, size_t cut, uint32_t flags) {
  ftl_error err{};
  err.struct_size = sizeof err;
  size_t n = 0;
  int32_t small[2];
  int32_t rc = t.vt->encode(t.self, text, len, flags, small, 2, &n, &err);
  if (rc != FTL_OK && rc != FTL_ERR_BUFFER_TOO_SMALL) die("encode", err);
  std::vector<int32_t> ids(n + 1), types(n + 1);
  rc = t.vt->encode(t.self, text, len, flags, ids.data(), ids.size(), &n, &err);
  if (rc != FTL_OK) die("encode (second call)", err);
  ids.resize(n);
  for (int32_t id : ids)
    if (id < 0 || id >= t.vocab) std::abort();
  if ((flags & FTL_ENCODE_TRUNCATE) && n > 64) std::abort();
  // decode must invert BPE encoding when no added token can match.
  std::vector<char> back(len * 3 + 64);
  size_t m = 0;
  rc = t.vt->decode(t.self, ids.data(), ids.size(), 1, back.data(), back.size(), &m, &err);
  if (rc == FTL_ERR_BUFFER_TOO_SMALL) {
    back.resize(m);
    rc = t.vt->decode(t.self, ids.data(), ids.size(), 1, back.data(), back.size(), &m, &err);
  }
  if (rc != FTL_OK) die("decode", err);
  if (t.bpe && !(flags & FTL_ENCODE_TRUNCATE) && std::memchr(text, '<', len) == nullptr) {
    const std::string want = tok_utf8::repair(std::string_view(text, len));
    if (std::string(back.data(), m) != want) {
      std::fprintf(stderr, "fuzz: bpe decode(encode(x)) != x\n");
      std::abort();
    }
  }
  // pairs
  std::vector<int32_t> pids(2 * len + 8), ptypes(2 * len + 8);
  rc = t.vt->encode_pair(t.self, text, cut, text + cut, len - cut, flags, pids.data(), ptypes.data(), pids.size(), &n,
                         &err);
  if (rc != FTL_OK) die("encode_pair", err);
  for (size_t i = 0; i < n; ++i)
    if (pids[i] < 0 || pids[i] >= t.vocab || (ptypes[i] != 0 && ptypes[i] != 1)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* root = std::getenv("FTLAB_SOURCE_DIR");
  const std::string src = root != nullptr ? root : FTLAB_SOURCE_DIR;
  ftl_error err{};
  err.struct_size = sizeof err;
  g_tok[0] = open(ftl_entry_bpe(FTL_ABI_MAJOR, nullptr, &err), src + "/experiments/assets/roberta-base", true);
  g_tok[1] =
      open(ftl_entry_wordpiece(FTL_ABI_MAJOR, nullptr, &err), src + "/experiments/assets/bert-base-uncased", false);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t ctl = data[0];
  const char* text = reinterpret_cast<const char*>(data + 1);
  const size_t len = size - 1;
  const size_t cut = len == 0 ? 0 : (ctl * 7u) % (len + 1);
  for (const Tok& t : g_tok) {
    run(t, text, len, cut, ctl & 3u);
    // arbitrary ids: decode must answer OK or INVALID_ARGUMENT
    std::vector<int32_t> ids(len / 4);
    if (!ids.empty()) std::memcpy(ids.data(), text, ids.size() * 4);
    ftl_error err{};
    err.struct_size = sizeof err;
    std::vector<char> out(ids.size() * 64 + 16);
    size_t m = 0;
    check(t.vt->decode(t.self, ids.data(), ids.size(), ctl & 4u, out.data(), out.size(), &m, &err), err, "decode ids");
  }
  return 0;
}
