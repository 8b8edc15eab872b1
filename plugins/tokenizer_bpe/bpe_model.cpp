// bpe_model.cpp - building the BPE model and merging a word's bytes.
#include "bpe_model.hpp"

#include "utf8_repair.hpp"

#include <ftlab/sdk.hpp>

#include <climits>
#include <queue>

namespace bpe {

namespace {

uint64_t pair_key(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

}  // namespace

Model::Model(std::unordered_map<std::string, int32_t> vocab,
             const std::vector<std::pair<std::string, std::string>>& merges,
             const std::function<std::string(size_t)>& where)
    : vocab_(std::move(vocab)) {
  id_to_token_.reserve(vocab_.size());
  for (const auto& [tok, id] : vocab_) {
    if (static_cast<size_t>(id) >= id_to_token_.size()) id_to_token_.resize(static_cast<size_t>(id) + 1);
    id_to_token_[static_cast<size_t>(id)] = tok;
  }
  // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest
  // map to code points from 256 up, in byte order.
  uint32_t next = 256;
  for (uint32_t b = 0; b < 256; ++b) {
    bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    uint32_t cp = printable ? b : next++;
    std::string s;
    tok_utf8::append(cp, s);
    unicode_to_byte_[cp] = static_cast<uint8_t>(b);
    auto it = vocab_.find(s);
    byte_id_[b] = it == vocab_.end() ? -1 : it->second;
  }
  merges_.reserve(merges.size() * 2);
  std::string joined;
  for (size_t i = 0; i < merges.size(); ++i) {
    const auto& [l, r] = merges[i];
    auto a = vocab_.find(l), b = vocab_.find(r);
    joined.assign(l).append(r);
    auto m = vocab_.find(joined);
    if (a == vocab_.end() || b == vocab_.end() || m == vocab_.end())
      throw ftl::sdk::io_error(where(i) + ": merge '" + l + " " + r + "' uses a token missing from the vocabulary (" +
                               (a == vocab_.end()   ? l
                                : b == vocab_.end() ? r
                                                    : joined) +
                               "); vocab and merges must come from the same tokenizer");
    merges_.emplace(pair_key(a->second, b->second), Merge{static_cast<int32_t>(i), m->second});
  }
}

int32_t Model::find(const std::string& token) const {
  auto it = vocab_.find(token);
  return it == vocab_.end() ? -1 : it->second;
}

int32_t Model::add(const std::string& token, int32_t id) {
  vocab_[token] = id;
  if (static_cast<size_t>(id) >= id_to_token_.size()) id_to_token_.resize(static_cast<size_t>(id) + 1);
  id_to_token_[static_cast<size_t>(id)] = token;
  return id;
}

void Model::merge_word(std::vector<int32_t>& sym) const {
  const size_t n = sym.size();
  if (n < 2) return;
  if (n <= 64) {  // short words: repeated scans beat a heap
    while (sym.size() > 1) {
      int32_t best_rank = INT32_MAX, best_id = -1;
      size_t best = 0;
      for (size_t i = 0; i + 1 < sym.size(); ++i) {
        auto it = merges_.find(pair_key(sym[i], sym[i + 1]));
        if (it != merges_.end() && it->second.rank < best_rank) {
          best_rank = it->second.rank;
          best_id = it->second.id;
          best = i;
        }
      }
      if (best_id < 0) break;
      sym[best] = best_id;
      sym.erase(sym.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
    return;
  }
  // Long words: linked symbols + a min-heap of (rank, position), as in word.rs.
  std::vector<int32_t> prev(n), next(n);
  std::vector<char> alive(n, 1);
  for (size_t i = 0; i < n; ++i) {
    prev[i] = static_cast<int32_t>(i) - 1;
    next[i] = i + 1 < n ? static_cast<int32_t>(i + 1) : -1;
  }
  struct Item {
    int32_t rank, pos, id;
    bool operator>(const Item& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> heap;
  auto push = [&](int32_t pos) {
    if (pos < 0 || next[static_cast<size_t>(pos)] < 0) return;
    auto it =
        merges_.find(pair_key(sym[static_cast<size_t>(pos)], sym[static_cast<size_t>(next[static_cast<size_t>(pos)])]));
    if (it != merges_.end()) heap.push({it->second.rank, pos, it->second.id});
  };
  for (size_t i = 0; i + 1 < n; ++i) push(static_cast<int32_t>(i));
  while (!heap.empty()) {
    Item top = heap.top();
    heap.pop();
    const auto p = static_cast<size_t>(top.pos);
    if (!alive[p] || next[p] < 0) continue;
    const auto q = static_cast<size_t>(next[p]);
    auto it = merges_.find(pair_key(sym[p], sym[q]));
    if (it == merges_.end() || it->second.id != top.id) continue;  // stale entry
    sym[p] = top.id;
    alive[q] = 0;
    next[p] = next[q];
    if (next[q] >= 0) prev[static_cast<size_t>(next[q])] = top.pos;
    push(prev[p]);
    push(top.pos);
  }
  std::vector<int32_t> out;
  for (int32_t i = 0; i >= 0; i = next[static_cast<size_t>(i)]) out.push_back(sym[static_cast<size_t>(i)]);
  sym.swap(out);
}

void Model::encode_word(std::string_view word, std::vector<int32_t>& out) const {
  const bool cacheable = word.size() <= 256;
  if (cacheable && cache_.lookup(word, out)) return;
  std::vector<int32_t> sym;
  sym.reserve(word.size());
  for (unsigned char c : word) {
    if (byte_id_[c] < 0)
      throw ftl::sdk::data_error("the vocabulary has no entry for byte " + std::to_string(c) +
                                 "; a byte-level BPE vocabulary needs all 256 byte symbols");
    sym.push_back(byte_id_[c]);
  }
  merge_word(sym);
  out.insert(out.end(), sym.begin(), sym.end());
  if (cacheable) cache_.insert(word, sym.data(), sym.size());
}

bool Model::decode_token(int32_t id, std::string& out) const {
  if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size()) return false;
  const std::string& s = id_to_token_[static_cast<size_t>(id)];
  size_t i = 0;
  while (i < s.size()) {
    uint32_t cp = tok_utf8::next_code_point(s, i);
    auto it = unicode_to_byte_.find(cp);
    if (it != unicode_to_byte_.end()) {
      out += static_cast<char>(it->second);
    } else {
      tok_utf8::append(cp, out);  // added tokens such as "<s>" are plain text
    }
  }
  return true;
}

}  // namespace bpe
