// tokenizer_bpe.cpp - the `bpe` tokenizer plugin: byte-level BPE over a Hugging
// Face tokenizer folder (vocab.json + merges.txt), RoBERTa template
// `<s> A </s>`, truncation to max_length, special tokens matched in raw text.
// Config keys: path (required), max_length, add_prefix_space, bos_token,
// eos_token, pad_token, unk_token, mask_token. Thread-safe after create().
#include <ftlab/sdk.hpp>

#include "bpe_model.hpp"
#include "pretokenize.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

namespace {

struct Special {
  std::string text;
  int32_t id;
  bool lstrip;  // absorbs the whitespace before it (RoBERTa's <mask>)
};

struct Tokenizer {
  std::unique_ptr<bpe::Model> model;
  bpe::PreTokenizer pre;
  std::vector<Special> specials;  // longest first, so "</s>" wins over a prefix
  int32_t bos = -1, eos = -1, pad = -1;
  int64_t max_length = 512;
  bool add_prefix_space = false;

  void encode_plain(std::string_view text, std::vector<int32_t>& ids) const {
    std::string buf;
    if (add_prefix_space && !text.empty() && text.front() != ' ') {
      buf.reserve(text.size() + 1);
      buf.append(" ").append(text);
      text = buf;
    }
    std::vector<std::string_view> words;
    pre.split(text, words);
    for (auto w : words) model->encode_word(w, ids);
  }

  // Splits text on special tokens, encodes the pieces between them.
  void encode(std::string_view text, std::vector<int32_t>& ids) const {
    size_t start = 0, pos = 0;
    while (pos < text.size()) {
      const Special* hit = nullptr;
      if (text[pos] == '<')
        for (const auto& s : specials)
          if (text.compare(pos, s.text.size(), s.text) == 0) {
            hit = &s;
            break;
          }
      if (hit == nullptr) {
        ++pos;
        continue;
      }
      size_t piece_end = pos;
      if (hit->lstrip)
        while (piece_end > start && std::isspace(static_cast<unsigned char>(text[piece_end - 1]))) --piece_end;
      if (piece_end > start) encode_plain(text.substr(start, piece_end - start), ids);
      ids.push_back(hit->id);
      pos += hit->text.size();
      start = pos;
    }
    if (start < text.size()) encode_plain(text.substr(start), ids);
  }
};

Tokenizer* self_of(const ftl_instance* p) {
  return reinterpret_cast<Tokenizer*>(const_cast<ftl_instance*>(p));
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  ftl::sdk::Config c(cfg);
  auto t = std::make_unique<Tokenizer>();
  const std::string dir = c.path("path");
  t->max_length = c.get<int64_t>("max_length", 512);
  if (t->max_length < 3) throw ftl::sdk::config_error("max_length", "max_length must be at least 3");
  t->add_prefix_space = c.get<bool>("add_prefix_space", false);
  const std::string bos = c.get<std::string>("bos_token", "<s>");
  const std::string eos = c.get<std::string>("eos_token", "</s>");
  const std::string pad = c.get<std::string>("pad_token", "<pad>");
  const std::string unk = c.get<std::string>("unk_token", "<unk>");
  const std::string mask = c.get<std::string>("mask_token", "<mask>");
  c.finish();

  t->model = std::make_unique<bpe::Model>(dir);
  auto need = [&](const std::string& key, const std::string& tok) {
    int32_t id = t->model->find(tok);
    if (id < 0)
      throw ftl::sdk::config_error(
          key, key + " '" + tok + "' is not in " + dir + "/vocab.json; set it to a token the vocabulary has");
    return id;
  };
  t->bos = need("bos_token", bos);
  t->eos = need("eos_token", eos);
  t->pad = need("pad_token", pad);
  int32_t unk_id = need("unk_token", unk);
  int32_t mask_id = t->model->find(mask);  // optional: GPT-2 has no mask token
  t->specials = {{bos, t->bos, false}, {eos, t->eos, false}, {pad, t->pad, false}, {unk, unk_id, false}};
  if (mask_id >= 0) t->specials.push_back({mask, mask_id, true});
  std::sort(t->specials.begin(), t->specials.end(),
            [](const Special& a, const Special& b) { return a.text.size() > b.text.size(); });
  *out = reinterpret_cast<ftl_instance*>(t.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}

void destroy(ftl_instance* self) noexcept {
  delete self_of(self);
}

int64_t vocab_size(const ftl_instance* self) noexcept {
  return self_of(self)->model->size();
}

int32_t token_to_id(const ftl_instance* self, const char* token, int32_t* id, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if (token == nullptr || id == nullptr) throw ftl::sdk::invalid_argument("token or id is NULL");
  int32_t found = self_of(self)->model->find(token);
  if (found < 0) throw ftl::sdk::invalid_argument(std::string("token '") + token + "' is not in the vocabulary");
  *id = found;
  return FTL_OK;
  FTL_GUARD_END(err)
}

int32_t pad_id(const ftl_instance* self) noexcept {
  return self_of(self)->pad;
}

int32_t encode(const ftl_instance* self, const char* text, size_t len, uint32_t flags, int32_t* ids, size_t cap,
               size_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if ((text == nullptr && len > 0) || n_out == nullptr || (ids == nullptr && cap > 0))
    throw ftl::sdk::invalid_argument("encode: NULL argument");
  const Tokenizer* t = self_of(self);
  std::vector<int32_t> body;
  t->encode(std::string_view(text, len), body);
  const bool special = (flags & FTL_ENCODE_ADD_SPECIAL) != 0;
  if (flags & FTL_ENCODE_TRUNCATE) {
    auto limit = static_cast<size_t>(t->max_length - (special ? 2 : 0));
    if (body.size() > limit) body.resize(limit);
  }
  std::vector<int32_t> all;
  all.reserve(body.size() + 2);
  if (special) all.push_back(t->bos);
  all.insert(all.end(), body.begin(), body.end());
  if (special) all.push_back(t->eos);
  return ftl::sdk::copy_out(all.data(), all.size(), ids, cap, n_out);
  FTL_GUARD_END(err)
}

int32_t decode(const ftl_instance* self, const int32_t* ids, size_t n, int32_t skip_special, char* text, size_t cap,
               size_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  if ((ids == nullptr && n > 0) || n_out == nullptr || (text == nullptr && cap > 0))
    throw ftl::sdk::invalid_argument("decode: NULL argument");
  const Tokenizer* t = self_of(self);
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    bool is_special =
        std::any_of(t->specials.begin(), t->specials.end(), [&](const Special& sp) { return sp.id == ids[i]; });
    if (skip_special && is_special) continue;
    if (!t->model->decode_token(ids[i], s))
      throw ftl::sdk::invalid_argument("decode: id " + std::to_string(ids[i]) + " is outside the vocabulary");
  }
  return ftl::sdk::copy_out(s.data(), s.size(), text, cap, n_out);
  FTL_GUARD_END(err)
}

const ftl_tokenizer_vtable k_vtable = {
    {sizeof(k_vtable), create, destroy}, vocab_size, token_to_id, pad_id, encode, decode};

const ftl_factory k_factories[] = {{sizeof(ftl_factory), FTL_KIND_TOKENIZER, "bpe", "0.1.0",
                                    "byte-level BPE (GPT-2, RoBERTa) from vocab.json + merges.txt", FTL_CAP_THREAD_SAFE,
                                    &k_vtable}};

const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "tokenizer_bpe", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
