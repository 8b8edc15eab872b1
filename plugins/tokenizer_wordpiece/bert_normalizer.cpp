// bert_normalizer.cpp - character classes and per-word normalization for BERT,
// following tokenizers' normalizers/bert.rs and pre_tokenizers/bert.rs.
#include "bert_normalizer.hpp"

#include <unicode/uchar.h>
#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>

namespace wordpiece {

namespace {

utf8proc_category_t category(uint32_t cp) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

// Rust's char::is_whitespace (White_Space): Z* plus 9..13 and U+0085.
bool is_whitespace(uint32_t cp) {
  if (cp == ' ' || (cp >= 9 && cp <= 13) || cp == 0x85) return true;
  auto c = category(cp);
  return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

// BERT's _is_chinese_char: the CJK Unified Ideographs blocks (as BERT defines them).
bool is_cjk(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
         (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

uint32_t to_lower(uint32_t cp) {
  return static_cast<uint32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
}

}  // namespace

BertNormalizer::BertNormalizer(NormalizerOptions o) : o_(o) {
  for (uint32_t c = 0; c < 128; ++c) ascii_class_[c] = classify(c);
}

bool BertNormalizer::known(uint32_t cp) const {
  if (o_.category_version[0] == 0 || cp < 0x80) return true;
  UVersionInfo age;
  u_charAge(static_cast<UChar32>(cp), age);
  if (age[0] != o_.category_version[0]) return age[0] < o_.category_version[0];
  return age[1] <= o_.category_version[1];
}

// tokenizers' is_control: Cc, Cf, Co (and Cs) except tab, newline, carriage
// return. Unassigned code points (Cn) are kept, as Hugging Face keeps them.
bool BertNormalizer::is_control(uint32_t cp) const {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  auto c = category(cp);
  if (c != UTF8PROC_CATEGORY_CC && c != UTF8PROC_CATEGORY_CF && c != UTF8PROC_CATEGORY_CO && c != UTF8PROC_CATEGORY_CS)
    return false;
  return known(cp);
}

BertNormalizer::Class BertNormalizer::classify(uint32_t cp) const {
  if (o_.clean_text && (cp == 0 || cp == 0xFFFD || is_control(cp))) return kDrop;
  if (is_whitespace(cp)) return kSpace;
  if (o_.chinese_chars && is_cjk(cp)) return kIdeograph;
  return kWord;
}

bool BertNormalizer::is_punctuation(uint32_t cp) const {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  if (cp < 0x80) return false;
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return known(cp);
    default:
      return false;
  }
}

void BertNormalizer::finish_word(std::string_view raw, std::vector<std::string>& out) const {
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  auto take = [&](uint32_t cp) {
    if (o_.lowercase) {
      if (cp == 0x130) {  // the one unconditional multi-character lowercase mapping (SpecialCasing.txt)
        cur += "i\xCC\x87";
        return;
      }
      cp = to_lower(cp);
    }
    if (is_punctuation(cp)) {
      flush();
      tok_utf8::append(cp, cur);
      flush();
    } else {
      tok_utf8::append(cp, cur);
    }
  };

  bool ascii = true;
  for (char c : raw) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    for (char c : raw) {
      auto u = static_cast<unsigned char>(c);
      if (o_.lowercase && u >= 'A' && u <= 'Z') u = static_cast<unsigned char>(u + 32);
      if (is_punctuation(u)) {
        flush();
        cur += static_cast<char>(u);
        flush();
      } else {
        cur += static_cast<char>(u);
      }
    }
    flush();
    return;
  }

  std::string_view text = raw;
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> nfd(nullptr, &std::free);
  if (o_.strip_accents) {
    utf8proc_uint8_t* mapped = nullptr;
    utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(raw.data()), static_cast<utf8proc_ssize_t>(raw.size()),
                     &mapped, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE));
    if (n < 0) {
      if (n == UTF8PROC_ERROR_NOMEM) throw std::bad_alloc();
      throw std::runtime_error(std::string("utf8proc NFD failed: ") + utf8proc_errmsg(n));
    }
    nfd.reset(mapped);
    text = std::string_view(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
  }
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = tok_utf8::next_code_point(text, i);
    if (o_.strip_accents && category(cp) == UTF8PROC_CATEGORY_MN && known(cp)) continue;
    take(cp);
  }
  flush();
}

}  // namespace wordpiece
