// wordpiece_vocab.hpp - a WordPiece vocabulary (BERT's vocab.txt: one token per
// line, id = line index) or the same data from a Hugging Face tokenizer.json
// (model.vocab, added_tokens, normalizer flags). Errors name the file and line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace wordpiece {

struct AddedToken {
  std::string text;
  int32_t id = -1;
  bool lstrip = false, rstrip = false;
};

struct Vocab {
  std::unordered_map<std::string, int32_t> ids;
  std::vector<std::string> tokens;  // id -> token
  // From tokenizer.json only (empty/unset for vocab.txt):
  std::vector<AddedToken> added;
  std::optional<bool> lowercase, strip_accents, clean_text, chinese_chars;
  std::string unk_token, prefix = "##";
  int64_t max_input_chars = 100;

  int32_t find(const std::string& token) const {
    auto it = ids.find(token);
    return it == ids.end() ? -1 : it->second;
  }
};

// dir/vocab.txt if it exists, else dir/tokenizer.json; throws ftl::sdk::Error.
Vocab load_vocab(const std::string& dir);
Vocab load_vocab_txt(const std::string& path);
Vocab load_tokenizer_json(const std::string& path);

}  // namespace wordpiece
