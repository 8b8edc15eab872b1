// tokenizer_bytes.cpp - a minimal tokenizer plugin: every UTF-8 byte is one
// token (id = byte + 3), with <pad> = 0, <s> = 1, </s> = 2 and the template
// `<s> bytes </s>`. Shows the caller-buffer protocol (ftl::sdk::copy_out) and
// config handling; not a tokenizer to train with. Keys: max_length (default 128).
#include <ftlab/sdk.hpp>

#include <algorithm>
#include <memory>

namespace {
using namespace ftl::sdk;

struct Bytes {
  int64_t max_length = 128;
};
const Bytes* me(const ftl_instance* self) {
  return reinterpret_cast<const Bytes*>(self);
}

int32_t create(const ftl_config* cfg, const ftl_host_api*, ftl_instance** out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  Config c(cfg);
  auto t = std::make_unique<Bytes>();
  t->max_length = c.get<int64_t>("max_length", 128);
  c.finish();
  if (t->max_length < 3) throw config_error("max_length", "max_length must be at least 3");
  *out = reinterpret_cast<ftl_instance*>(t.release());
  return FTL_OK;
  FTL_GUARD_END(err)
}
void destroy(ftl_instance* self) noexcept {
  delete reinterpret_cast<Bytes*>(self);
}
int64_t vocab_size(const ftl_instance*) noexcept {
  return 256 + 3;
}
int32_t pad_id(const ftl_instance*) noexcept {
  return 0;
}
int32_t token_to_id(const ftl_instance*, const char* token, int32_t* id, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  const std::string t = token;
  const int32_t found = t == "<pad>" ? 0 : t == "<s>" ? 1 : t == "</s>" ? 2 : t.size() == 1 ? (t[0] & 0xFF) + 3 : -1;
  if (found < 0) throw invalid_argument("token '" + t + "' is not a single byte or <pad>, <s>, </s>");
  *id = found;  // written only on success
  return FTL_OK;
  FTL_GUARD_END(err)
}
int32_t encode(const ftl_instance* self, const char* text, size_t len, uint32_t flags, int32_t* ids, size_t cap,
               size_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  const bool special = (flags & FTL_ENCODE_ADD_SPECIAL) != 0;
  if ((flags & FTL_ENCODE_TRUNCATE) != 0) len = std::min<size_t>(len, me(self)->max_length - (special ? 2 : 0));
  std::vector<int32_t> all;
  if (special) all.push_back(1);
  for (size_t i = 0; i < len; ++i) all.push_back((text[i] & 0xFF) + 3);
  if (special) all.push_back(2);
  return copy_out(all.data(), all.size(), ids, cap, n_out);  // FTL_ERR_BUFFER_TOO_SMALL + size when cap is short
  FTL_GUARD_END(err)
}
int32_t decode(const ftl_instance*, const int32_t* ids, size_t n, int32_t skip_special, char* text, size_t cap,
               size_t* n_out, ftl_error* err) noexcept {
  FTL_GUARD_BEGIN
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    if (ids[i] < 0 || ids[i] >= 259) throw invalid_argument("id " + std::to_string(ids[i]) + " is outside 0..258");
    if (ids[i] >= 3)
      s += static_cast<char>(ids[i] - 3);
    else if (!skip_special)
      s += ids[i] == 0 ? "<pad>" : ids[i] == 1 ? "<s>" : "</s>";
  }
  return copy_out(s.data(), s.size(), text, cap, n_out);
  FTL_GUARD_END(err)
}

const ftl_tokenizer_vtable k_vtable = {
    {sizeof(k_vtable), create, destroy}, vocab_size, token_to_id, pad_id, encode, decode};
const ftl_factory k_factory = {sizeof(ftl_factory),        FTL_KIND_TOKENIZER,  "bytes",  "1.0.0",
                               "one token per UTF-8 byte", FTL_CAP_THREAD_SAFE, &k_vtable};
const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, FTL_ABI_MINOR, "tokenizer_bytes", "", 1, &k_factory};
}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
