// bpe_model.hpp - byte-level BPE vocabulary and merges (GPT-2 / RoBERTa files:
// vocab.json + merges.txt, or the model section of a tokenizer.json) and the
// merge algorithm. Merges are keyed by (left id, right id), and a word merges
// with a priority queue of (rank, position) like Hugging Face's word.rs, so a
// 1 MB "word" costs O(n log n). Words of up to 256 bytes are cached.
// Thread-safe after construction: encode_word may be called concurrently.
#pragma once

#include "word_cache.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bpe {

class Model {
 public:
  // vocab: token -> id; merges: "left right" pairs in rank order. `where(i)`
  // names merge i in errors ("merges.txt:12"). Throws ftl::sdk::Error.
  Model(std::unordered_map<std::string, int32_t> vocab, const std::vector<std::pair<std::string, std::string>>& merges,
        const std::function<std::string(size_t)>& where);

  // Appends the ids of one pre-tokenized word (raw UTF-8 bytes) to out.
  void encode_word(std::string_view word, std::vector<int32_t>& out) const;

  // Appends the raw bytes of token `id` to out; false if id is unknown.
  bool decode_token(int32_t id, std::string& out) const;

  // Id of a vocabulary entry given as its vocab.json string, or -1.
  int32_t find(const std::string& token) const;
  // Adds a token (an added token absent from the vocabulary); returns its id.
  int32_t add(const std::string& token, int32_t id);
  int64_t size() const { return static_cast<int64_t>(id_to_token_.size()); }

 private:
  void merge_word(std::vector<int32_t>& symbols) const;

  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  struct Merge {
    int32_t rank;
    int32_t id;  // id of the merged symbol
  };
  std::unordered_map<uint64_t, Merge> merges_;  // (left << 32 | right) -> rank, merged id
  int32_t byte_id_[256];                        // byte -> id of its stand-in character
  std::unordered_map<uint32_t, uint8_t> unicode_to_byte_;
  tok_cache::WordCache cache_;
};

}  // namespace bpe
