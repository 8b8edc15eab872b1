// wordpiece_model.cpp - the greedy WordPiece split (tokenizers' models/wordpiece).
#include "wordpiece_model.hpp"

namespace wordpiece {

void Model::encode_word(std::string_view word, std::vector<int32_t>& out) const {
  int64_t chars = 0;
  for (char c : word) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars > max_chars_) {
    out.push_back(unk_);
    return;
  }
  const size_t first = out.size();
  std::string piece;
  size_t start = 0;
  while (start < word.size()) {
    size_t end = word.size();
    int32_t found = -1;
    while (end > start) {
      piece.assign(start > 0 ? prefix_ : std::string());
      piece.append(word.data() + start, end - start);
      auto it = vocab_.ids.find(piece);
      if (it != vocab_.ids.end()) {
        found = it->second;
        break;
      }
      do {  // step back one character
        --end;
      } while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
    }
    if (found < 0) {
      out.resize(first);
      out.push_back(unk_);
      return;
    }
    out.push_back(found);
    start = end;
  }
}

}  // namespace wordpiece
