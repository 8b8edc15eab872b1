// post_process.hpp - what the tokenizer plugins (bpe, wordpiece) share after
// the model: Hugging Face's "longest_first" truncation for one text or a pair,
// and the special-token templates with token type ids
//   RoBERTa: <s> A </s>   and  <s> A </s></s> B </s>   (type ids all 0)
//   BERT:    [CLS] A [SEP] and [CLS] A [SEP] B [SEP]   (type ids 0.. then 1 for B [SEP])
//   GPT-2:   A  and  A B                               (type ids 0.. then 1 for B)
// Without special tokens a pair is A B with the same type ids (BERT 0.. 1..,
// RoBERTa all 0), as Hugging Face's post-processors give.
// Limits: right-side truncation only (the Hugging Face default).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tok_post {

struct Template {
  int32_t cls = -1;          // first token (<s>, [CLS])
  int32_t sep = -1;          // after each text (</s>, [SEP])
  bool double_sep = false;   // RoBERTa puts </s></s> between A and B
  bool none = false;         // no special tokens at all (GPT-2's ByteLevel post-processor)
  int32_t pair_type_id = 0;  // type id of B's part (BERT 1, RoBERTa 0)

  size_t added(bool pair) const { return none ? 0u : pair ? (double_sep ? 4u : 3u) : 2u; }
};

// Cuts a (and b when given) so that both fit max_length minus the tokens the
// template adds, exactly like tokenizers' truncate_encodings(LongestFirst).
inline void truncate(std::vector<int32_t>& a, std::vector<int32_t>* b, size_t max_length, size_t added) {
  const size_t budget = max_length > added ? max_length - added : 0;
  if (b == nullptr) {
    if (a.size() > budget) a.resize(budget);
    return;
  }
  const size_t n1 = a.size(), n2 = b->size();
  if (n1 + n2 <= budget) return;
  size_t t1 = n1, t2 = n2;
  if (n1 > n2) {
    t1 = std::max(n2, budget > n2 ? budget - n2 : 0);
  } else {
    t2 = std::max(n1, budget > n1 ? budget - n1 : 0);
  }
  if (t1 + t2 > budget) {
    t1 = budget / 2;
    t2 = t1 + budget % 2;
  }
  if (a.size() > t1) a.resize(t1);
  if (b->size() > t2) b->resize(t2);
}

// Appends the template around a (and b) to ids and, if type_ids is not NULL, the type ids.
inline void apply(const Template& t, bool special, const std::vector<int32_t>& a, const std::vector<int32_t>* b,
                  std::vector<int32_t>& ids, std::vector<int32_t>* type_ids) {
  ids.clear();
  special = special && !t.none;
  if (special) ids.push_back(t.cls);
  ids.insert(ids.end(), a.begin(), a.end());
  if (special) ids.push_back(t.sep);
  const size_t first = ids.size();
  if (b != nullptr) {
    if (special && t.double_sep) ids.push_back(t.sep);
    ids.insert(ids.end(), b->begin(), b->end());
    if (special) ids.push_back(t.sep);
  }
  if (type_ids != nullptr) {
    type_ids->assign(ids.size(), 0);
    std::fill(type_ids->begin() + static_cast<std::ptrdiff_t>(first), type_ids->end(), t.pair_type_id);
  }
}

}  // namespace tok_post
