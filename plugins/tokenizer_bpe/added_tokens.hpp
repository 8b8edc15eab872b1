// added_tokens.hpp - matching added/special tokens ("<s>", "<mask>", "[CLS]")
// in raw text as Hugging Face's AddedVocabulary does: leftmost-longest match,
// the text between matches goes to the model; lstrip/rstrip tokens absorb the
// Unicode whitespace (White_Space, read from utf8proc categories) beside them.
// Shared by the bpe and wordpiece plugins. Limits: no single_word option.
#pragma once

#include "utf8_repair.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tok_added {

// Rust's char::is_whitespace (the White_Space property): Z* categories plus
// the C0 controls 9..13 and U+0085.
inline bool is_whitespace(uint32_t cp) {
  if (cp == ' ' || (cp >= 9 && cp <= 13) || cp == 0x85) return true;
  if (cp < 0x80) return false;
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

struct Token {
  std::string text;
  int32_t id = -1;
  bool lstrip = false, rstrip = false;
};

class Matcher {
 public:
  void add(Token t) {
    if (t.text.empty()) return;
    for (const auto& have : tokens_)
      if (have.text == t.text) return;
    first_.set(static_cast<unsigned char>(t.text[0]));
    tokens_.push_back(std::move(t));
    std::stable_sort(tokens_.begin(), tokens_.end(),
                     [](const Token& a, const Token& b) { return a.text.size() > b.text.size(); });
  }
  bool is_added(int32_t id) const {
    return std::any_of(tokens_.begin(), tokens_.end(), [&](const Token& t) { return t.id == id; });
  }
  const std::vector<Token>& tokens() const { return tokens_; }

  // Calls plain(piece) for text between tokens and special(id) for each token, in order.
  template <typename Plain, typename Special>
  void split(std::string_view text, Plain&& plain, Special&& special) const {
    size_t start = 0, pos = 0;
    while (pos < text.size()) {
      const Token* hit = nullptr;
      if (first_.test(static_cast<unsigned char>(text[pos])))
        for (const auto& t : tokens_)
          if (text.compare(pos, t.text.size(), t.text) == 0) {
            hit = &t;
            break;
          }
      if (hit == nullptr) {
        ++pos;
        continue;
      }
      size_t piece_end = pos;
      if (hit->lstrip) piece_end = strip_back(text, start, pos);
      if (piece_end > start) plain(text.substr(start, piece_end - start));
      special(hit->id);
      pos += hit->text.size();
      if (hit->rstrip) pos = strip_front(text, pos);
      start = pos;
    }
    if (start < text.size()) plain(text.substr(start));
  }

 private:
  // Start of the whitespace run that ends at `end` (not before `begin`).
  static size_t strip_back(std::string_view text, size_t begin, size_t end) {
    size_t cut = end;
    while (cut > begin) {
      size_t k = cut - 1;
      while (k > begin && (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) --k;
      size_t i = k;
      if (!is_whitespace(tok_utf8::next_code_point(text, i))) break;
      cut = k;
    }
    return cut;
  }
  static size_t strip_front(std::string_view text, size_t pos) {
    while (pos < text.size()) {
      size_t i = pos;
      if (!is_whitespace(tok_utf8::next_code_point(text, i))) break;
      pos = i;
    }
    return pos;
  }

  std::vector<Token> tokens_;  // longest first
  std::bitset<256> first_;     // first bytes of the tokens
};

}  // namespace tok_added
