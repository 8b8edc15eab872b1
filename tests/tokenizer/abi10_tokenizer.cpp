// abi10_tokenizer.cpp - a test plugin that looks like a tokenizer compiled
// against plugin ABI 1.0: its vtable's struct_size stops before encode_pair.
// It maps each byte to its value as an id. The host must load it and must not
// call the missing slot.
#include <ftlab/sdk.hpp>

#include <cstddef>

namespace {

int32_t create(const ftl_config*, const ftl_host_api*, ftl_instance** out, ftl_error*) noexcept {
  static int dummy = 0;
  *out = reinterpret_cast<ftl_instance*>(&dummy);
  return FTL_OK;
}
void destroy(ftl_instance*) noexcept {}
int64_t vocab_size(const ftl_instance*) noexcept {
  return 256;
}
int32_t token_to_id(const ftl_instance*, const char*, int32_t*, ftl_error* err) noexcept {
  return ftl::sdk::fail(err, FTL_ERR_INVALID_ARGUMENT, "no named tokens");
}
int32_t pad_id(const ftl_instance*) noexcept {
  return 0;
}
int32_t encode(const ftl_instance*, const char* text, size_t len, uint32_t, int32_t* ids, size_t cap, size_t* n_out,
               ftl_error*) noexcept {
  *n_out = len;
  if (len > cap) return FTL_ERR_BUFFER_TOO_SMALL;
  for (size_t i = 0; i < len; ++i) ids[i] = static_cast<unsigned char>(text[i]);
  return FTL_OK;
}
int32_t decode(const ftl_instance*, const int32_t*, size_t, int32_t, char*, size_t, size_t* n_out,
               ftl_error*) noexcept {
  *n_out = 0;
  return FTL_OK;
}

// Filled as a 1.0 plugin would be: the 1.1 slot holds garbage that must never be called.
ftl_tokenizer_vtable make_vtable() {
  ftl_tokenizer_vtable v{};
  v.common = {static_cast<uint32_t>(offsetof(ftl_tokenizer_vtable, encode_pair)), create, destroy};
  v.vocab_size = vocab_size;
  v.token_to_id = token_to_id;
  v.pad_id = pad_id;
  v.encode = encode;
  v.decode = decode;
  v.encode_pair = reinterpret_cast<decltype(v.encode_pair)>(static_cast<uintptr_t>(0xdeadbeef));
  return v;
}
const ftl_tokenizer_vtable k_vtable = make_vtable();

const ftl_factory k_factories[] = {
    {sizeof(ftl_factory), FTL_KIND_TOKENIZER, "abi10_bytes", "1.0.0", "test: ABI 1.0 tokenizer", 0, &k_vtable}};
const ftl_plugin_descriptor k_descriptor = {
    sizeof(ftl_plugin_descriptor), FTL_ABI_MAJOR, 0, "test_abi10_tokenizer", "", 1, k_factories};

}  // namespace

FTL_PLUGIN_ENTRY(k_descriptor)
