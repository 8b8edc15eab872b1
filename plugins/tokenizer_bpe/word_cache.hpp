// word_cache.hpp - a thread-safe cache from a word (bytes) to its ids, shared
// by the tokenizer plugins: 16 shards, each behind a shared_mutex, so threads
// encoding a batch rarely wait on each other. Bounded: a shard that grows past
// its share of `capacity` entries is cleared (simple, no LRU bookkeeping).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tok_cache {

class WordCache {
 public:
  explicit WordCache(size_t capacity = 1u << 19) : per_shard_(capacity / kShards + 1) {}

  // Appends the cached ids of word to out and returns true, or returns false.
  bool lookup(std::string_view word, std::vector<int32_t>& out) const {
    const size_t h = std::hash<std::string_view>{}(word);
    const Shard& s = shards_[h % kShards];
    std::shared_lock lock(s.mutex);
    auto it = s.map.find(std::string(word));
    if (it == s.map.end()) return false;
    out.insert(out.end(), it->second.begin(), it->second.end());
    return true;
  }

  void insert(std::string_view word, const int32_t* ids, size_t n) const {
    const size_t h = std::hash<std::string_view>{}(word);
    Shard& s = shards_[h % kShards];
    std::unique_lock lock(s.mutex);
    if (s.map.size() >= per_shard_) s.map.clear();
    s.map.emplace(std::string(word), std::vector<int32_t>(ids, ids + n));
  }

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable std::shared_mutex mutex;
    std::unordered_map<std::string, std::vector<int32_t>> map;
  };
  size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace tok_cache
