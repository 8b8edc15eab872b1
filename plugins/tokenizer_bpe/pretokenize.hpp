// pretokenize.hpp - GPT-2 byte-level pre-tokenization: splits text into words
// with the GPT-2 regular expression (PCRE2, Unicode properties, JIT). Limits:
// the pattern is fixed; the instance is thread-safe (match data per call).
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct pcre2_real_code_8;

namespace bpe {

class PreTokenizer {
 public:
  PreTokenizer();
  ~PreTokenizer();
  PreTokenizer(const PreTokenizer&) = delete;
  PreTokenizer& operator=(const PreTokenizer&) = delete;

  // Appends the words of text (views into text) to out. text must be valid
  // UTF-8 (the plugin repairs it first; PCRE2 skips its own check).
  void split(std::string_view text, std::vector<std::string_view>& out) const;

 private:
  pcre2_real_code_8* code_ = nullptr;
};

}  // namespace bpe
