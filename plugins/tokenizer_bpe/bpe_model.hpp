// bpe_model.hpp - byte-level BPE vocabulary and merges (GPT-2 / RoBERTa files:
// vocab.json + merges.txt) and the merge algorithm with a word cache.
// Thread-safe: encode_word may be called concurrently (the cache is locked).
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bpe {

class Model {
 public:
  // Reads dir/vocab.json and dir/merges.txt; throws ftl::sdk::Error naming the file.
  explicit Model(const std::string& dir);

  // Appends the ids of one pre-tokenized word (raw UTF-8 bytes) to out.
  void encode_word(std::string_view word, std::vector<int32_t>& out) const;

  // Appends the raw bytes of token `id` to out; false if id is unknown.
  bool decode_token(int32_t id, std::string& out) const;

  // Id of a vocabulary entry given as its vocab.json string, or -1.
  int32_t find(const std::string& token) const;
  const std::string& token(int32_t id) const { return id_to_token_.at(static_cast<size_t>(id)); }
  int64_t size() const { return static_cast<int64_t>(id_to_token_.size()); }

 private:
  std::unordered_map<std::string, int32_t> vocab_;
  std::vector<std::string> id_to_token_;
  std::unordered_map<std::string, int32_t> merge_rank_;  // "left right" -> rank
  std::string byte_to_unicode_[256];                     // byte -> UTF-8 of its stand-in
  std::unordered_map<uint32_t, uint8_t> unicode_to_byte_;

  mutable std::shared_mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace bpe
