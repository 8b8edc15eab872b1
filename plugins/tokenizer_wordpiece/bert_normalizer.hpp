// bert_normalizer.hpp - Hugging Face's BertNormalizer + BertPreTokenizer:
// clean text (drop NUL, U+FFFD and control/format/unassigned/private-use
// characters, map whitespace to a space), put CJK ideographs in words of their
// own, strip accents (NFD, drop nonspacing marks), lowercase, then split on
// whitespace and punctuation (ASCII punctuation and Unicode P*). Character
// properties come from utf8proc (Unicode 15 in Debian 12); no tables here.
// Hugging Face's BertNormalizer reads control / punctuation / nonspacing-mark
// categories from the `unicode_categories` crate, whose tables are Unicode
// 8.0: a character assigned later (ICU's u_charAge) counts as none of these
// there, and here too while category_version is "8.0" (the default).
// Thread-safe after construction. Input must be valid UTF-8.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wordpiece {

struct NormalizerOptions {
  bool clean_text = true;
  bool chinese_chars = true;
  bool strip_accents = true;
  bool lowercase = true;
  std::array<uint8_t, 2> category_version{{8, 0}};  // {0, 0}: no age limit (current Unicode)
};

class BertNormalizer {
 public:
  explicit BertNormalizer(NormalizerOptions o);

  // Splits text into raw words: runs of kept characters between whitespace,
  // each CJK ideograph alone; calls emit(std::string_view) for each (the view
  // is valid during the call only).
  template <typename Emit>
  void split_raw(std::string_view text, std::string& buf, Emit&& emit) const;

  // Normalizes one raw word (accents, case) and splits it on punctuation;
  // appends the final words to out.
  void finish_word(std::string_view raw, std::vector<std::string>& out) const;

  enum Class : uint8_t { kDrop = 0, kSpace = 1, kIdeograph = 2, kWord = 3 };
  Class classify(uint32_t cp) const;
  bool is_punctuation(uint32_t cp) const;
  bool is_control(uint32_t cp) const;

 private:
  bool known(uint32_t cp) const;  // assigned by category_version
  NormalizerOptions o_;
  std::array<uint8_t, 128> ascii_class_{};
};

}  // namespace wordpiece

#include "utf8_repair.hpp"

template <typename Emit>
void wordpiece::BertNormalizer::split_raw(std::string_view text, std::string& buf, Emit&& emit) const {
  buf.clear();
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      switch (ascii_class_[c]) {
        case kWord:
          buf += static_cast<char>(c);
          break;
        case kSpace:
          if (!buf.empty()) emit(std::string_view(buf));
          buf.clear();
          break;
        default:
          break;
      }
      continue;
    }
    const size_t start = i;
    const uint32_t cp = tok_utf8::next_code_point(text, i);
    switch (classify(cp)) {
      case kWord:
        buf.append(text.data() + start, i - start);
        break;
      case kSpace:
        if (!buf.empty()) emit(std::string_view(buf));
        buf.clear();
        break;
      case kIdeograph:
        if (!buf.empty()) emit(std::string_view(buf));
        buf.assign(text.data() + start, i - start);
        emit(std::string_view(buf));
        buf.clear();
        break;
      default:
        break;
    }
  }
  if (!buf.empty()) emit(std::string_view(buf));
}
