// tokenizer_bpe.cpp - the `bpe` tokenizer plugin: byte-level BPE over a Hugging
// Face tokenizer folder (vocab.json + merges.txt, or tokenizer.json). Pipeline:
// invalid UTF-8 replaced by U+FFFD -> added/special tokens matched in raw text
// (`<mask>` absorbs the whitespace before it) -> GPT-2 regex (PCRE2) -> BPE
// with a word cache -> RoBERTa template `<s> A </s>` / `<s> A </s></s> B </s>`
// (type ids all 0) -> longest-first truncation to max_length. A vocabulary
// without <s> but with <|endoftext|> (GPT-2) gets no template, as on the hub.
// Config keys: path (required), max_length (512), add_prefix_space (false, or
// tokenizer.json's), bos_token, eos_token, pad_token, unk_token, mask_token.
// Thread-safe after create().
#include <ftlab/sdk.hpp>

#include "added_tokens.hpp"
#include "bpe_files.hpp"
#include "bpe_model.hpp"
#include "post_process.hpp"
#include "pretokenize.hpp"
#include "tokenizer_slots.hpp"
#include "utf8_repair.hpp"

#include <memory>

namespace {

struct Tokenizer {
  std::unique_ptr<bpe::Model> model;
  bpe::PreTokenizer pre;
  tok_added::Matcher added;
  tok_post::Template tmpl;
  int32_t pad = -1;
  int64_t max_length = 512;
  bool add_prefix_space = false;

  void encode_plain(std::string_view text, std::vector<int32_t>& ids) const {
    std::string buf;
    if (add_prefix_space && !text.empty() && text.front() != ' ') {  // ByteLevel checks for ' ' only
      buf.reserve(text.size() + 1);
      buf.append(" ").append(text);
      text = buf;
    }
    std::vector<std::string_view> words;
    pre.split(text, words);
    for (auto w : words) model->encode_word(w, ids);
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

  int32_t find(const char* token) const { return model->find(token); }
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
  if (t->max_length < 4) throw ftl::sdk::config_error("max_length", "max_length must be at least 4");
  const bool has_prefix = c.has("add_prefix_space");
  const bool prefix = c.get<bool>("add_prefix_space", false);
  const bool has_bos = c.has("bos_token"), has_pad = c.has("pad_token");
  const std::string bos = c.get<std::string>("bos_token", "<s>");
  const std::string eos = c.get<std::string>("eos_token", "</s>");
  const std::string pad = c.get<std::string>("pad_token", "<pad>");
  const std::string unk = c.get<std::string>("unk_token", "<unk>");
  const std::string mask = c.get<std::string>("mask_token", "<mask>");
  c.finish();

  bpe::Files files = bpe::read_folder(dir);
  t->add_prefix_space = has_prefix || !files.add_prefix_space ? prefix : *files.add_prefix_space;
  t->model = std::make_unique<bpe::Model>(std::move(files.vocab), files.merges,
                                          [&](size_t i) { return bpe::merge_where(files, i); });
  for (const auto& a : files.added)
    if (t->model->find(a.text) < 0) t->model->add(a.text, a.id);
  auto need = [&](const std::string& key, const std::string& tok) {
    int32_t id = t->model->find(tok);
    if (id < 0)
      throw ftl::sdk::config_error(key, key + " '" + tok + "' is not in the vocabulary of " + files.source +
                                            "; set it to a token the vocabulary has");
    return id;
  };
  // GPT-2 style: no <s> in the vocabulary and no bos_token in the TOML. Like
  // the hub's GPT-2 tokenizer: <|endoftext|> is the one special token (also
  // used for padding here) and no template is added.
  const std::string eot = "<|endoftext|>";
  if (!has_bos && t->model->find(bos) < 0 && t->model->find(eot) >= 0) {
    const int32_t id = t->model->find(eot);
    t->tmpl.cls = t->tmpl.sep = id;
    t->tmpl.none = true;
    t->tmpl.pair_type_id = 1;
    t->pad = has_pad ? need("pad_token", pad) : id;
    if (files.added.empty()) t->added.add({eot, id, false, false});
  } else {
    t->tmpl.cls = need("bos_token", bos);
    t->tmpl.sep = need("eos_token", eos);
    t->tmpl.double_sep = true;
    t->tmpl.pair_type_id = 0;
    t->pad = need("pad_token", pad);
    const int32_t unk_id = need("unk_token", unk);
    if (files.added.empty()) {  // the hub's RoBERTa flags: only <mask> has lstrip
      t->added.add({bos, t->tmpl.cls, false, false});
      t->added.add({eos, t->tmpl.sep, false, false});
      t->added.add({pad, t->pad, false, false});
      t->added.add({unk, unk_id, false, false});
      int32_t mask_id = t->model->find(mask);  // optional
      if (mask_id >= 0) t->added.add({mask, mask_id, true, false});
    }
  }
  for (const auto& a : files.added) t->added.add(a);
  *out = reinterpret_cast<ftl_instance*>(t.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}

int64_t vocab_size(const ftl_instance* self) noexcept {
  return self_of(self)->model->size();
}

int32_t decode(const ftl_instance* self, const int32_t* ids, size_t n, int32_t skip_special, char* text, size_t cap,
               size_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if ((ids == nullptr && n > 0) || n_out == nullptr || (text == nullptr && cap > 0))
    throw ftl::sdk::invalid_argument("decode: NULL argument");
  const Tokenizer* t = self_of(self);
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (skip_special && t->added.is_added(ids[i])) continue;
    if (!t->model->decode_token(ids[i], s))
      throw ftl::sdk::invalid_argument("decode: id " + std::to_string(ids[i]) + " is outside the vocabulary");
  }
  // Like the ByteLevel decoder: bytes that are not valid UTF-8 become U+FFFD.
  if (!tok_utf8::is_valid(s)) s = tok_utf8::repair(s);
  return ftl::sdk::copy_out(s.data(), s.size(), text, cap, n_out);
  FTL_GUARD_END(err)
}

// destroy, token_to_id, pad_id, encode and encode_pair are tokenizer_slots.hpp's.
const ftl_tokenizer_vtable k_vtable = tok_slots::TokenizerSlots<Tokenizer>::vtable_with(create, vocab_size, decode);

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_TOKENIZER, "bpe", "0.2.0",
                                    "byte-level BPE (GPT-2, RoBERTa) from vocab.json + merges.txt or tokenizer.json",
                                    FTL_CAP_THREAD_SAFE, &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "tokenizer_bpe", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
