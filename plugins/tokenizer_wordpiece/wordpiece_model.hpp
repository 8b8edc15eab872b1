// wordpiece_model.hpp - WordPiece: greedy longest-match-first split of one
// normalized word into vocabulary entries, continuation pieces prefixed "##";
// a word that cannot be split, or has more than max_chars characters, becomes
// the single unknown token. Thread-safe (const).
#pragma once

#include "wordpiece_vocab.hpp"

#include <string_view>

namespace wordpiece {

class Model {
 public:
  Model(const Vocab& vocab, int32_t unk_id, std::string prefix, int64_t max_chars)
      : vocab_(vocab), unk_(unk_id), prefix_(std::move(prefix)), max_chars_(max_chars) {}
  void encode_word(std::string_view word, std::vector<int32_t>& out) const;

 private:
  const Vocab& vocab_;
  int32_t unk_;
  std::string prefix_;
  int64_t max_chars_;
};

}  // namespace wordpiece
