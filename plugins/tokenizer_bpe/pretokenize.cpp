// pretokenize.cpp - the GPT-2 pre-tokenization regex through PCRE2 (UTF + UCP
// so \p{L}, \p{N} and \s follow Unicode; JIT-compiled when available).
#include "pretokenize.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ftlab/sdk.hpp>

namespace bpe {

namespace {
// Same pattern as GPT-2's encoder.py and Hugging Face's ByteLevel pre-tokenizer.
const char* kPattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
}  // namespace

PreTokenizer::PreTokenizer() {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(kPattern), PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                        &error_code, &error_offset, nullptr);
  if (code_ == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(error_code, buf, sizeof buf);
    throw std::runtime_error(std::string("PCRE2 cannot compile the GPT-2 pattern: ") + reinterpret_cast<char*>(buf));
  }
  pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);  // optional speed-up; falls back silently
}

PreTokenizer::~PreTokenizer() {
  pcre2_code_free(code_);
}

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& out) const {
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code_, nullptr);
  if (md == nullptr) throw std::bad_alloc();
  auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  PCRE2_SIZE offset = 0;
  while (offset < text.size()) {
    int rc = pcre2_match(code_, subject, text.size(), offset, PCRE2_NO_UTF_CHECK, md, nullptr);  // caller validated
    if (rc == PCRE2_ERROR_NOMATCH) break;  // cannot happen: \s+ and the rest cover everything
    if (rc < 0) {
      pcre2_match_data_free(md);
      if (rc == PCRE2_ERROR_UTF8_ERR1 || (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21))
        throw ftl::sdk::invalid_argument("text is not valid UTF-8 (byte offset " + std::to_string(offset) + ")");
      throw std::runtime_error("PCRE2 match failed with code " + std::to_string(rc));
    }
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    if (ov[1] == ov[0]) {  // empty match: step one byte to avoid looping
      offset = ov[1] + 1;
      continue;
    }
    out.emplace_back(text.data() + ov[0], ov[1] - ov[0]);
    offset = ov[1];
  }
  pcre2_match_data_free(md);
}

}  // namespace bpe
