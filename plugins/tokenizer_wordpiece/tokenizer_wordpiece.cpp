// tokenizer_wordpiece.cpp - the `wordpiece` tokenizer plugin: BERT/DistilBERT
// WordPiece over a Hugging Face tokenizer folder (vocab.txt, or tokenizer.json
// when there is no vocab.txt). Pipeline: special tokens matched in raw text ->
// BertNormalizer + BertPreTokenizer -> WordPiece (with a word cache) ->
// `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` with token type ids, longest-first
// truncation to max_length. Invalid UTF-8 is replaced by U+FFFD (which the
// normalizer then drops, as Hugging Face does). Thread-safe after create().
// Config keys: path (required), max_length (512), lowercase (true),
// strip_accents (= lowercase), clean_text (true), handle_chinese_chars (true),
// cls_token, sep_token, pad_token, unk_token, mask_token, max_input_chars_per_word (100),
// category_unicode_version ("8.0", the Unicode version of Hugging Face's
// category tables; "current" uses utf8proc's Unicode for everything).
#include <ftlab/sdk.hpp>

#include "added_tokens.hpp"
#include "bert_normalizer.hpp"
#include "post_process.hpp"
#include "tokenizer_slots.hpp"
#include "utf8_repair.hpp"
#include "word_cache.hpp"
#include "wordpiece_model.hpp"
#include "wordpiece_vocab.hpp"

#include <cstdio>
#include <memory>

namespace {

struct Tokenizer {
  wordpiece::Vocab vocab;
  std::unique_ptr<wordpiece::BertNormalizer> normalizer;
  std::unique_ptr<wordpiece::Model> model;
  tok_added::Matcher added;
  tok_post::Template tmpl;
  tok_cache::WordCache cache;
  int32_t pad = -1;
  int64_t max_length = 512;

  void encode_plain(std::string_view text, std::vector<int32_t>& ids) const {
    std::string buf;
    std::vector<std::string> words;
    normalizer->split_raw(text, buf, [&](std::string_view raw) {
      if (cache.lookup(raw, ids)) return;
      const size_t first = ids.size();
      words.clear();
      normalizer->finish_word(raw, words);
      for (const auto& w : words) model->encode_word(w, ids);
      cache.insert(raw, ids.data() + first, ids.size() - first);
    });
  }

  void encode(std::string_view text, std::vector<int32_t>& ids) const {
    std::string repaired;
    if (!tok_utf8::is_valid(text)) {
      repaired = tok_utf8::repair(text);
      text = repaired;
    }
    added.split(
        text, [&](std::string_view piece) { encode_plain(piece, ids); }, [&](int32_t id) { ids.push_back(id); });
  }

  int32_t find(const char* token) const { return vocab.find(token); }
};

const Tokenizer* self_of(const ftl_instance* p) {
  return reinterpret_cast<const Tokenizer*>(p);
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if (out == nullptr) throw ftl::sdk::invalid_argument("create: out is NULL");
  ftl::sdk::Config c(cfg);
  auto t = std::make_unique<Tokenizer>();
  const std::string dir = c.path("path");
  t->max_length = c.get<int64_t>("max_length", 512);
  if (t->max_length < 3) throw ftl::sdk::config_error("max_length", "max_length must be at least 3");
  const bool has_lower = c.has("lowercase"), has_strip = c.has("strip_accents");
  const bool has_clean = c.has("clean_text"), has_cjk = c.has("handle_chinese_chars");
  const bool lowercase = c.get<bool>("lowercase", true);
  const bool strip = c.get<bool>("strip_accents", lowercase);
  const bool clean = c.get<bool>("clean_text", true);
  const bool cjk = c.get<bool>("handle_chinese_chars", true);
  const std::string cls = c.get<std::string>("cls_token", "[CLS]");
  const std::string sep = c.get<std::string>("sep_token", "[SEP]");
  const std::string pad = c.get<std::string>("pad_token", "[PAD]");
  std::string unk = c.get<std::string>("unk_token", "");
  const std::string mask = c.get<std::string>("mask_token", "[MASK]");
  const std::string cat_version = c.get<std::string>("category_unicode_version", "8.0");
  const bool has_max_chars = c.has("max_input_chars_per_word");
  int64_t max_chars = c.get<int64_t>("max_input_chars_per_word", 100);
  if (max_chars < 1)
    throw ftl::sdk::config_error("max_input_chars_per_word", "max_input_chars_per_word must be at least 1");
  c.finish();

  t->vocab = wordpiece::load_vocab(dir);
  const wordpiece::Vocab& v = t->vocab;
  // tokenizer.json settings apply unless the TOML sets the key.
  wordpiece::NormalizerOptions o;
  o.lowercase = has_lower || !v.lowercase ? lowercase : *v.lowercase;
  o.strip_accents = has_strip || !v.strip_accents ? (has_strip ? strip : o.lowercase) : *v.strip_accents;
  o.clean_text = has_clean || !v.clean_text ? clean : *v.clean_text;
  o.chinese_chars = has_cjk || !v.chinese_chars ? cjk : *v.chinese_chars;
  if (unk.empty()) unk = v.unk_token.empty() ? "[UNK]" : v.unk_token;
  if (!has_max_chars && !v.unk_token.empty()) max_chars = v.max_input_chars;
  if (cat_version == "current") {
    o.category_version = {{0, 0}};
  } else {
    unsigned major = 0, minor = 0;
    char extra = 0;
    if (std::sscanf(cat_version.c_str(), "%u.%u%c", &major, &minor, &extra) != 2 || major == 0 || major > 255 ||
        minor > 255)
      throw ftl::sdk::config_error("category_unicode_version",
                                   "category_unicode_version must be \"MAJOR.MINOR\" (e.g. \"8.0\") or \"current\"");
    o.category_version = {{static_cast<uint8_t>(major), static_cast<uint8_t>(minor)}};
  }
  t->normalizer = std::make_unique<wordpiece::BertNormalizer>(o);

  auto need = [&](const std::string& key, const std::string& tok) {
    int32_t id = v.find(tok);
    if (id < 0)
      throw ftl::sdk::config_error(
          key, key + " '" + tok + "' is not in the vocabulary of " + dir + "; set it to a token the vocabulary has");
    return id;
  };
  t->tmpl.cls = need("cls_token", cls);
  t->tmpl.sep = need("sep_token", sep);
  t->tmpl.pair_type_id = 1;
  t->pad = need("pad_token", pad);
  const int32_t unk_id = need("unk_token", unk);
  t->model = std::make_unique<wordpiece::Model>(v, unk_id, v.prefix, max_chars);
  if (!v.added.empty()) {
    for (const auto& a : v.added) t->added.add({a.text, a.id, a.lstrip, a.rstrip});
  } else {
    for (const auto& s : {cls, sep, pad, unk, mask}) {
      int32_t id = v.find(s);
      if (id >= 0) t->added.add({s, id, false, false});
    }
  }
  *out = reinterpret_cast<ftl_instance*>(t.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}

int64_t vocab_size(const ftl_instance* self) noexcept {
  return static_cast<int64_t>(self_of(self)->vocab.tokens.size());
}

int32_t decode(const ftl_instance* self, const int32_t* ids, size_t n, int32_t skip_special, char* text, size_t cap,
               size_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if ((ids == nullptr && n > 0) || n_out == nullptr || (text == nullptr && cap > 0))
    throw ftl::sdk::invalid_argument("decode: NULL argument");
  const Tokenizer* t = self_of(self);
  // Hugging Face's WordPiece decoder: join with spaces, glue "##" pieces, then
  // cleanup (" ." -> ".", " n't" -> "n't", ...).
  std::string s;
  const std::string& prefix = t->vocab.prefix;
  for (size_t i = 0; i < n; ++i) {
    if (ids[i] < 0 || static_cast<size_t>(ids[i]) >= t->vocab.tokens.size())
      throw ftl::sdk::invalid_argument("decode: id " + std::to_string(ids[i]) + " is outside the vocabulary");
    if (skip_special && t->added.is_added(ids[i])) continue;
    const std::string& tok = t->vocab.tokens[static_cast<size_t>(ids[i])];
    if (!prefix.empty() && tok.compare(0, prefix.size(), prefix) == 0) {
      s += tok.substr(prefix.size());
    } else {
      if (!s.empty()) s += ' ';
      s += tok;
    }
  }
  const std::pair<const char*, const char*> k_cleanup[] = {
      {" .", "."},   {" ?", "?"},           {" !", "!"},   {" ,", ","},     {" ' ", "'"},   {" n't", "n't"},
      {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
  for (const auto& [f, r] : k_cleanup) {
    const std::string from(f), to(r);
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
      s.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return ftl::sdk::copy_out(s.data(), s.size(), text, cap, n_out);
  FTL_GUARD_END(err)
}

// destroy, token_to_id, pad_id, encode and encode_pair are tokenizer_slots.hpp's.
const ftl_tokenizer_vtable k_vtable = tok_slots::TokenizerSlots<Tokenizer>::vtable_with(create, vocab_size, decode);

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_TOKENIZER, "wordpiece", "0.1.0",
                                    "WordPiece (BERT, DistilBERT) from vocab.txt or tokenizer.json, BERT normalization",
                                    FTL_CAP_THREAD_SAFE, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "tokenizer_wordpiece", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
