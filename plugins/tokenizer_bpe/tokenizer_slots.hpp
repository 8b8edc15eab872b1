// tokenizer_slots.hpp - the ABI slots the `bpe` and `wordpiece` tokenizers
// share: destroy, token_to_id, pad_id, and encode / encode_pair with
// truncation and the special-token template (post_process.hpp) under the
// buffer protocol (on FTL_ERR_BUFFER_TOO_SMALL only *n_out is set). T, the
// plugin's instance type, provides:
//   void encode(std::string_view text, std::vector<int32_t>& ids) const;  // no specials
//   int32_t find(const char* token) const;                                // id or -1
//   int32_t pad; int64_t max_length; tok_post::Template tmpl;
// Read-only after create, so the slots are thread-safe.
#pragma once

#include "post_process.hpp"

#include <ftlab/sdk.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace tok_slots {

template <class T>
struct TokenizerSlots {
  static const T* of(const ftl_instance* p) { return reinterpret_cast<const T*>(p); }

  static void destroy(ftl_instance* self) noexcept { delete reinterpret_cast<T*>(self); }

  static int32_t token_to_id(const ftl_instance* self, const char* token, int32_t* id, ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    if (token == nullptr || id == nullptr) throw ftl::sdk::invalid_argument("token or id is NULL");
    const int32_t found = of(self)->find(token);
    if (found < 0) throw ftl::sdk::invalid_argument(std::string("token '") + token + "' is not in the vocabulary");
    *id = found;
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static int32_t pad_id(const ftl_instance* self) noexcept { return of(self)->pad; }

  static int32_t encode_pair(const ftl_instance* self, const char* a, size_t a_len, const char* b, size_t b_len,
                             uint32_t flags, int32_t* ids, int32_t* type_ids, size_t cap, size_t* n_out,
                             ftl_error* err) noexcept {
    FTL_GUARD_BEGIN
    if ((a == nullptr && a_len > 0) || n_out == nullptr || (ids == nullptr && cap > 0))
      throw ftl::sdk::invalid_argument("encode: NULL argument");
    const T* t = of(self);
    const bool special = (flags & FTL_ENCODE_ADD_SPECIAL) != 0;
    std::vector<int32_t> ta, tb;
    t->encode(std::string_view(a, a_len), ta);
    if (b != nullptr) t->encode(std::string_view(b, b_len), tb);
    if (flags & FTL_ENCODE_TRUNCATE)
      tok_post::truncate(ta, b != nullptr ? &tb : nullptr, static_cast<size_t>(t->max_length),
                         special ? t->tmpl.added(b != nullptr) : 0);
    std::vector<int32_t> all, types;
    tok_post::apply(t->tmpl, special, ta, b != nullptr ? &tb : nullptr, all, type_ids != nullptr ? &types : nullptr);
    *n_out = all.size();
    if (all.size() > cap) return FTL_ERR_BUFFER_TOO_SMALL;
    std::copy(all.begin(), all.end(), ids);
    if (type_ids != nullptr) std::copy(types.begin(), types.end(), type_ids);
    return FTL_OK;
    FTL_GUARD_END(err)
  }

  static int32_t encode(const ftl_instance* self, const char* text, size_t len, uint32_t flags, int32_t* ids,
                        size_t cap, size_t* n_out, ftl_error* err) noexcept {
    return encode_pair(self, text, len, nullptr, 0, flags, ids, nullptr, cap, n_out, err);
  }

  // The whole vtable, given the plugin's own create, vocab_size and decode.
  static constexpr ftl_tokenizer_vtable vtable_with(decltype(ftl_common_vtable::create) create,
                                                    decltype(ftl_tokenizer_vtable::vocab_size) vocab_size,
                                                    decltype(ftl_tokenizer_vtable::decode) decode) {
    return {
        {sizeof(ftl_tokenizer_vtable), create, destroy}, vocab_size, token_to_id, pad_id, encode, decode, encode_pair};
  }
};

}  // namespace tok_slots
